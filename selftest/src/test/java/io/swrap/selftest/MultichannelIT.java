package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final List<String> GENERIC = List.of("smb2.multichannel.generic.interface_info",
            "smb2.multichannel.generic.num_channels");
    /** Quick break tests (no channel has to time out): also run on 3.0 and encrypted. */
    private static final List<String> BREAKS = List.of("smb2.multichannel.oplocks.test1",
            "smb2.multichannel.leases.test1", "smb2.multichannel.leases.test2", "smb2.multichannel.leases.test3");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SMB3_00,off", "SMB3_02,off", "SMB3_11,encrypt"})
    void bindsChannelsAndDeliversBreaksOverThem(String dialect, String protection) throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-" + dialect + "-" + protection));
        List<String> options = List.of("--option=clientmaxprotocol=" + dialect, "--client-protection=" + protection);
        // one group per run: smbtorture's result lines carry only the last name component
        passes(env, cwd, options, GENERIC);
        passes(env, cwd, options, BREAKS.subList(0, 1));
        passes(env, cwd, options, BREAKS.subList(1, 4));
    }

    /**
     * The nine tests of the specification's policy on 3.1.1: oplock and lease breaks retried over the
     * channels in creation order while each one in turn is dead (test3_specification, leases.test4: 32
     * channels), lease break acknowledged on another channel, v2 epochs, 31 simultaneous negotiates.
     */
    @Test
    void specificationPolicyPassesItsNineTests() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-spec"));
        passes(env, cwd, List.of(), GENERIC);
        passes(env, cwd, List.of(), List.of("smb2.multichannel.oplocks.test1",
                "smb2.multichannel.oplocks.test3_specification"));
        passes(env, cwd, List.of(), List.of("smb2.multichannel.leases.test1", "smb2.multichannel.leases.test2",
                "smb2.multichannel.leases.test3"));
        // alone: smbtorture 4.17 crashes in its break handler when test4 follows test3 in one process
        // (against Samba's smbd too)
        passes(env, cwd, List.of(), List.of("smb2.multichannel.leases.test4"));
        passes(env, cwd, List.of(), List.of("smb2.multichannel.bugs.bug_15346"));
    }

    /** oplocks.test2 and test3_windows expect Windows' policy: a break only on the newest channel, no retry. */
    @Test
    void windowsPolicyPassesOplocksTest2AndTest3Windows() throws Exception {
        try (SmbEnv windows = SmbEnv.start(base.resolve("net-windows"), NICS, "smb2 disable oplock break retry = yes")) {
            passes(windows, Files.createDirectories(base.resolve("torture-windows")), List.of(),
                    List.of("smb2.multichannel.oplocks.test2", "smb2.multichannel.oplocks.test3_windows"));
        }
    }

    private static void passes(SmbEnv on, Path cwd, List<String> options, List<String> tests) throws Exception {
        Smbtorture.Result r = on.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, options, tests);
        Map<String, String> results = r.results();
        for (String t : tests) {
            String name = t.substring(t.lastIndexOf('.') + 1);
            assertEquals("success", results.get(name), t + " " + options + ":\n" + r.output()
                    + "\nserver:\n" + on.serverStderr());
        }
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void multichannelOffIsNotAdvertised() throws Exception {
        try (SmbEnv off = SmbEnv.start(base.resolve("net-off"), NICS, "server multi channel support = no")) {
            Path cwd = Files.createDirectories(base.resolve("torture-off"));
            Smbtorture.Result r = off.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, List.of(), GENERIC);
            Map<String, String> results = r.results();
            // without SMB2_GLOBAL_CAP_MULTI_CHANNEL in the NEGOTIATE response, interface_info skips and
            // num_channels fails with "Server does not support multichannel."
            assertEquals("skip", results.get("interface_info"), r.output());
            assertTrue(r.output().contains("server doesn't support SMB2_CAP_MULTI_CHANNEL"), r.output());
            assertEquals("failure", results.get("num_channels"), r.output());
            assertTrue(r.output().contains("Server does not support multichannel"), r.output());
        }
    }
}
