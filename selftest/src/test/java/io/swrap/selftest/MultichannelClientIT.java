package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Java SMB client as a multichannel client ([MS-SMB2] 3.2.4.1.7): MultichannelClientPeer in a child JVM
 * under the agent on interface 23 against the project's SMB server on the four fake NICs 127.0.0.11..14,
 * port 445. It discovers the server's interfaces, binds one channel per NIC, spreads large writes and reads
 * over them, and survives a channel closed in the middle of a transfer; the file on the server's disk must
 * hash as the client says it wrote and read.
 */
class MultichannelClientIT extends SmbServerSuite {
    private static final int CLIENT = 23;
    private static final Duration PER_SCENARIO = Duration.ofSeconds(120);
    private static final Pattern RESULT = Pattern.compile("dialect=(\\S+) signed=(\\S+) encrypted=(\\S+) channels=(\\d+)"
            + " servers=(\\S+) write_mibps=\\S+ read_mibps=\\S+ sha256=(\\S+) replays=(\\d+) lost=(\\d+) live=(\\S+)"
            + " after=ok");
    private static final Set<String> ALL_NICS = Arrays.stream(NICS).mapToObj(n -> "127.0.0." + n)
            .collect(Collectors.toCollection(TreeSet::new));

    /** One scenario's result line, parsed. */
    private record Result(String dialect, boolean signed, boolean encrypted, int channels, List<String> servers,
            String sha256, long replays, int lost, String live) {
    }

    @Test
    void fourChannelsOnFourNicsCarryA64MibWriteAndRead() throws Exception {
        String scenario = "mc64.bin:SMB3_11:off:4:64:-";
        try (ChildProcess p = peer(List.of(scenario))) {
            Result r = expectOk(p, scenario);
            assertEquals(4, r.channels, scenario + ": channels bound");
            assertEquals(ALL_NICS, new TreeSet<>(r.servers), scenario + ": one channel per server NIC");
            assertEquals("127.0.0.11", r.servers.get(0), scenario + ": the first channel is the session's own");
            assertEquals(0, r.lost, scenario);
            assertEquals(env.shareSha256("mc64.bin"), r.sha256, "mc64.bin on the server's disk");
            p.succeeds();
        }
    }

    @Test
    void aChannelClosedMidTransferIsReplayedOnTheOthers() throws Exception {
        // channel 1 dies during a write, channel 3 during a signed read, channel 2 during an encrypted write
        killScenarios(List.of("kill-w1.bin:SMB3_11:off:4:64:write@1", "kill-r3.bin:SMB3_02:sign:4:64:read@3",
                "kill-w2.bin:SMB3_11:encrypt:4:32:write@2"));
    }

    /**
     * The session's own first channel dies during a signed read; the rest of the session, LOGOFF included,
     * then runs on bound channels.
     */
    @Test
    void losingTheFirstChannelKeepsTheSession() throws Exception {
        killScenarios(List.of("kill-r0.bin:SMB3_02:sign:4:64:read@0", "kill-w0.bin:SMB3_11:sign:4:32:write@0"));
    }

    private static void killScenarios(List<String> scenarios) throws Exception {
        try (ChildProcess p = peer(scenarios)) {
            for (String scenario : scenarios) {
                Result r = expectOk(p, scenario);
                String file = scenario.substring(0, scenario.indexOf(':'));
                int killed = Integer.parseInt(scenario.substring(scenario.indexOf('@') + 1));
                assertEquals(4, r.channels, scenario + ": channels bound before the kill");
                assertEquals(1, r.lost, scenario + ": channels lost");
                assertTrue(r.replays > 0, scenario + ": requests in flight on channel " + killed
                        + " must have been replayed, replays=" + r.replays);
                assertTrue(!Arrays.asList(r.live.split(",")).contains(Integer.toString(killed)) && r.live.split(",")
                        .length == 3, scenario + ": live channels " + r.live + " (expected: the other three)");
                assertEquals(env.shareSha256(file), r.sha256, file + " on the server's disk");
            }
            p.succeeds();
        }
    }

    @Test
    void bindingWorksOnEveryDialectSignedAndEncrypted() throws Exception {
        // scenario -> "signed encrypted" the session must report
        Map<String, String> cases = Map.of(
                "b300s.bin:SMB3_00:sign:4:8:-", "true false",
                "b302s.bin:SMB3_02:sign:4:8:-", "true false",
                "b311s.bin:SMB3_11:sign:4:8:-", "true false",
                "b302e.bin:SMB3_02:encrypt:4:8:-", "false true",
                "b311e.bin:SMB3_11:encrypt:4:8:-", "false true",
                "b311o.bin:SMB3_11:off:2:8:-", "false false");
        List<String> scenarios = new ArrayList<>(new TreeSet<>(cases.keySet()));
        try (ChildProcess p = peer(scenarios)) {
            for (String scenario : scenarios) {
                Result r = expectOk(p, scenario);
                String[] f = scenario.split(":");
                String[] flags = cases.get(scenario).split(" ");
                assertEquals(f[1], r.dialect, scenario);
                assertEquals(Boolean.parseBoolean(flags[0]), r.signed, scenario + ": signed");
                assertEquals(Boolean.parseBoolean(flags[1]), r.encrypted, scenario + ": encrypted");
                int channels = Integer.parseInt(f[3]);
                assertEquals(channels, r.channels, scenario + ": channels bound");
                assertEquals(channels, new TreeSet<>(r.servers).size(), scenario + ": distinct server NICs "
                        + r.servers);
                assertEquals(env.shareSha256(f[0]), r.sha256, f[0] + " on the server's disk");
            }
            p.succeeds();
        }
    }

    private static ChildProcess peer(List<String> scenarios) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD));
        args.addAll(scenarios);
        return ChildProcess.java("multichannel-client", ChildProcess.net(env.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.MultichannelClientPeer", args.toArray(String[]::new));
    }

    private static Result expectOk(ChildProcess p, String scenario) throws Exception {
        Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", PER_SCENARIO);
        assertEquals("OK", m.group(1), scenario + ": " + m.group(2) + "\nclient stderr:\n" + p.stderr()
                + "\nserver:\n" + env.serverStderr());
        Matcher r = RESULT.matcher(m.group(2));
        assertTrue(r.matches(), scenario + ": " + m.group(2));
        return new Result(r.group(1), Boolean.parseBoolean(r.group(2)), Boolean.parseBoolean(r.group(3)),
                Integer.parseInt(r.group(4)), List.of(r.group(5).split(",")), r.group(6), Long.parseLong(r.group(7)),
                Integer.parseInt(r.group(8)), r.group(9));
    }

}
