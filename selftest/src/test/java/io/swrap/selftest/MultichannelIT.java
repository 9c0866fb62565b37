package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.KnownFail;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Multichannel end to end, judged by Samba's own tests: the SMB server in its own JVM under the agent on
 * port 445 of four fake NICs, smbtorture (Debian samba-testsuite 4.17) under C libsocket_wrapper on
 * interface 21. Its multichannel channels all go to the address on its command line; it makes a channel
 * "dead" with FSCTL_SMBTORTURE_FORCE_UNACKED_TIMEOUT, so breaks must move on to the surviving channels.
 */
class MultichannelIT extends SmbServerSuite {
    private static final int CLIENT = 21;
    private static final long TIMEOUT_SECONDS = 120;
    /** The groups of {@link Selftest#MULTICHANNEL_TESTS} quick enough (no channel has to time out) to run per dialect. */
    private static final List<String> QUICK = List.of("generic", "oplocks", "leases");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SMB3_00,off", "SMB3_02,off", "SMB3_11,encrypt"})
    void bindsChannelsAndDeliversBreaksOverThem(String dialect, String protection) throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-" + dialect + "-" + protection));
        List<String> options = List.of("--option=clientmaxprotocol=" + dialect, "--client-protection=" + protection);
        for (Selftest.Torture t : Selftest.MULTICHANNEL_TESTS) {
            if (!t.windowsPolicy() && QUICK.contains(t.group())) {
                // the quick tests of the group: test1 of oplocks, test1-3 of leases
                List<String> quick = t.fullNames().stream().filter(n -> !n.endsWith("test3_specification")
                        && !n.endsWith("test4")).toList();
                if (!quick.isEmpty()) {
                    passes(env, cwd, options, quick);
                }
            }
        }
    }

    /**
     * The tests of the specification's policy on 3.1.1: oplock and lease breaks retried over the channels in
     * creation order while each one in turn is dead (test3_specification, leases.test4: 32 channels), lease
     * break acknowledged on another channel, v2 epochs, 31 simultaneous negotiates.
     */
    @Test
    void specificationPolicyPassesItsTests() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-spec"));
        for (Selftest.Torture t : Selftest.MULTICHANNEL_TESTS) {
            if (!t.windowsPolicy()) {
                passes(env, cwd, List.of(), t.fullNames());
            }
        }
    }

    /** oplocks.test2 and test3_windows expect Windows' policy: a break only on the newest channel, no retry. */
    @Test
    void windowsPolicyPassesItsTests() throws Exception {
        try (SmbEnv windows = SmbEnv.start(base.resolve("net-windows"), NICS, "smb2 disable oplock break retry = yes")) {
            Path cwd = Files.createDirectories(base.resolve("torture-windows"));
            for (Selftest.Torture t : Selftest.MULTICHANNEL_TESTS) {
                if (t.windowsPolicy()) {
                    passes(windows, cwd, List.of(), t.fullNames());
                }
            }
        }
    }

    /** Runs {@code tests} in one smbtorture process and judges each with the knownfail list. */
    private static void passes(SmbEnv on, Path cwd, List<String> options, List<String> tests) throws Exception {
        Smbtorture.Result r = on.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, options, tests);
        List<KnownFail.Verdict> verdicts = KnownFail.load().judge(r.results());
        assertTrue(verdicts.stream().allMatch(KnownFail.Verdict::ok), tests + " " + options + ": " + verdicts + "\n"
                + r.output() + "\nserver:\n" + on.serverStderr());
    }

    @Test
    void multichannelOffIsNotAdvertised() throws Exception {
        try (SmbEnv off = SmbEnv.start(base.resolve("net-off"), NICS, "server multi channel support = no")) {
            Path cwd = Files.createDirectories(base.resolve("torture-off"));
            Smbtorture.Result r = off.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, List.of(),
                    Selftest.MULTICHANNEL_TESTS.getFirst().fullNames());
            Map<String, String> results = r.results();
            // without SMB2_GLOBAL_CAP_MULTI_CHANNEL in the NEGOTIATE response, interface_info skips and
            // num_channels fails with "Server does not support multichannel."
            assertEquals("skip", results.get("smb2.multichannel.generic.interface_info"), r.output());
            assertTrue(r.output().contains("server doesn't support SMB2_CAP_MULTI_CHANNEL"), r.output());
            assertEquals("failure", results.get("smb2.multichannel.generic.num_channels"), r.output());
            assertTrue(r.output().contains("Server does not support multichannel"), r.output());
        }
    }
}
