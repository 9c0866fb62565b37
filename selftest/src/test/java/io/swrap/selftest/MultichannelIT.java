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
 * Multichannel session binding, judged by Samba's own tests: the SMB server in its own JVM under the agent
 * on port 445 of four fake NICs, smbtorture (Debian samba-testsuite 4.17) under C libsocket_wrapper on
 * interface 21. Its multichannel channels all go to the address on its command line.
 */
class MultichannelIT extends SmbServerSuite {
    private static final int CLIENT = 21;
    private static final long TIMEOUT_SECONDS = 60;
    /** The smb2.multichannel tests this slice of issue 5 passes (oplocks and leases are still to come). */
    private static final List<String> PASSING = List.of("smb2.multichannel.generic.interface_info",
            "smb2.multichannel.generic.num_channels", "smb2.multichannel.bugs.bug_15346");

    /** bug_15346 (31 simultaneous NEGOTIATEs of one ClientGuid, then binds) runs once, on 3.1.1. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SMB3_00,off", "SMB3_02,off", "SMB3_11,off", "SMB3_11,encrypt"})
    void bindsUpTo32ChannelsPerSession(String dialect, String protection) throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-" + dialect + "-" + protection));
        List<String> tests = dialect.equals("SMB3_11") && protection.equals("off") ? PASSING : PASSING.subList(0, 2);
        Smbtorture.Result r = env.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS,
                List.of("--option=clientmaxprotocol=" + dialect, "--client-protection=" + protection), tests);
        Map<String, String> results = r.results();
        for (String t : tests) {
            String name = t.substring(t.lastIndexOf('.') + 1);
            assertEquals("success", results.get(name), t + " on " + dialect + ":\n" + r.output()
                    + "\nserver:\n" + env.serverStderr());
        }
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void multichannelOffIsNotAdvertised() throws Exception {
        try (SmbEnv off = SmbEnv.start(base.resolve("net-off"), NICS, "server multi channel support = no")) {
            Path cwd = Files.createDirectories(base.resolve("torture-off"));
            Smbtorture.Result r = off.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, List.of(), PASSING.subList(0, 2));
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
