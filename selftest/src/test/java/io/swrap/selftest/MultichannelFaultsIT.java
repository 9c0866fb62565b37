package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketView;
import io.swrap.agent.table.TableSnapshot;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.selftest.peers.MultichannelClientPeer;
import io.swrap.selftest.peers.OplockHolderPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SMB client over four channels when the network fails from outside ({@link SwrapNetwork}), not by
 * a close of its own: the server's NICs 127.0.0.11..14 are slowed by link emulation so that a 32 MiB
 * transfer lasts seconds, and the fault is injected once the table's byte counters show the transfer under
 * way on the channel concerned. The channel stops answering (no reset, nothing closed); the client gives it
 * up after its response timeout (5 s here), replays its requests on the surviving channels, and the file
 * on the server's disk hashes as the client wrote and read it.
 *
 * <p>The server side of the same fault: a client holding a batch oplock over two channels has the one the
 * server breaks on (the first) blackholed; the server sees the break left unread in that connection's send
 * queue for its {@code smbserver:break ack timeout} (500 ms in {@link SmbEnv}), drops the channel and sends
 * the break on the other one, where the client answers it, so that the open waiting for it completes.
 */
class MultichannelFaultsIT {
    private static final int[] NICS = {11, 12, 13, 14};
    private static final int CLIENT = 23;
    private static final int HOLDER = 24;
    private static final int OPENER = 25;
    private static final String LINKS = "11:4mibps;12:4mibps;13:4mibps;14:4mibps";
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path base;
    static SmbEnv env;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), NICS, "", Map.of("SWRAP_LINKS", LINKS));
    }

    @AfterAll
    static void stopServer() {
        if (env != null) {
            env.close();
            env = null;
        }
    }

    @Test
    void aNicGoesDownMidWriteAndTheClientReplaysOnTheOthers() throws Exception {
        String scenario = "nic-down.bin:SMB3_11:off:4:32:-";
        try (ChildProcess p = peer(scenario); SwrapNetwork net = SwrapNetwork.open(env.swrapDir())) {
            // the client's channel to NIC 12 has sent a MiB of WRITE data: the write is under way
            await(s -> isPort445(s.peer(), 12) && s.txBytes() >= MIB, "the client's write through 127.0.0.12");
            assertFalse(net.link(12).down().isEmpty(), "connections on NIC 12");
            try {
                checkSurvived(p, scenario, "127.0.0.12");
            } finally {
                net.link(12).up();
            }
        }
    }

    @Test
    void aBlackholedChannelMidReadIsGivenUpAndReplayed() throws Exception {
        String scenario = "blackhole.bin:SMB3_11:sign:4:32:-";
        try (ChildProcess p = peer(scenario); SwrapNetwork net = SwrapNetwork.open(env.swrapDir())) {
            // the server's end on NIC 13 has sent a MiB of READ data: the read-back is under way
            SocketView server = await(s -> isPort445(s.local(), 13) && s.txBytes() >= MIB,
                    "the server's read responses through 127.0.0.13");
            assertEquals(2, net.socket(server.index()).blackhole().size(), "the server's end and the client's");
            checkSurvived(p, scenario, "127.0.0.13");
        }
    }

    @Test
    void aBreakOnABlackholedChannelMovesToTheOtherAfterTheBreakAckTimeout() throws Exception {
        String scenario = "held.txt:2";
        Map<String, String> e = ChildProcess.net(env.swrapDir(), HOLDER);
        e.put("SWRAP_LINKS", LINKS);
        try (ChildProcess a = ChildProcess.java("oplock-holder", e,
                List.of("-D" + MultichannelClientPeer.TIMEOUT_PROPERTY + "=5000"), OplockHolderPeer.class.getName(),
                "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD, scenario);
             SwrapNetwork net = SwrapNetwork.open(env.swrapDir())) {
            Matcher held = a.expect("(HELD|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", WAIT);
            assertEquals("HELD", held.group(1), held.group(2) + "\nholder stderr:\n" + a.stderr());
            assertEquals("oplock=9 servers=127.0.0.11,127.0.0.12", held.group(2), "a batch oplock over two channels");
            // the break goes to the session's first channel: the server's end of the holder's connection to NIC 11
            SocketView first = await(s -> isPort445(s.local(), 11) && isClient(s.peer(), HOLDER),
                    "the server's end of the holder's first channel");
            assertEquals(2, net.socket(first.index()).blackhole().size(), "the server's end and the client's");
            int logBefore = env.serverStderr().length();

            Path cwd = Files.createDirectories(base.resolve("opener"));
            Smbclient.Result b = env.smbclient(OPENER, 11, SmbEnv.PASSWORD, cwd, "get held.txt");
            String server = env.serverStderr().substring(logBefore);
            assertEquals(0, b.exit(), "smbclient's open of the file whose oplock is broken: " + b.output()
                    + "\nserver:\n" + server + "\nholder stderr:\n" + a.stderr());
            assertEquals("held under a batch oplock\n", Files.readString(cwd.resolve("held.txt")), "what B read");
            // bounded by the break ack timeout and the holder's 5 s response timeout, not the 35 s oplock timeout
            assertTrue(b.nanos() < Duration.ofSeconds(30).toNanos(), "smbclient took " + b.nanos() / 1_000_000
                    + " ms: the open waited out the oplock timeout\nserver:\n" + server);
            assertTrue(server.matches("(?s).*/127\\.0\\.0\\." + HOLDER
                    + ":\\d+ left it unread for 500 ms: dropping that channel, trying the next.*"),
                    "the server must drop the blackholed channel after its break ack timeout:\n" + server);

            Matcher m = a.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", WAIT);
            assertEquals("OK", m.group(1), m.group(2) + "\nholder stderr:\n" + a.stderr() + "\nserver:\n" + server);
            assertEquals(held.group(2) + " break=1 via=127.0.0.12", m.group(2),
                    "the break to level II, received on the second channel");
            a.succeeds();
        }
    }

    private static boolean isClient(java.net.InetSocketAddress a, int iface) {
        return a != null && a.getAddress().getHostAddress().equals("127.0.0." + iface);
    }

    private static boolean isPort445(java.net.InetSocketAddress a, int nic) {
        return a != null && a.getPort() == SmbEnv.PORT && a.getAddress().getHostAddress().equals("127.0.0." + nic);
    }

    /** The connection that {@code which} matches, once it does (polled from the shared table). */
    private static SocketView await(Predicate<SocketView> which, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (SocketView s : TableSnapshot.read(env.swrapDir().toRealPath()).sockets()) {
                if (which.test(s)) {
                    return s;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no socket in the table matched within " + WAIT + ": " + what + "\n"
                + TableSnapshot.read(env.swrapDir().toRealPath()));
    }

    private static ChildProcess peer(String scenario) throws Exception {
        Map<String, String> e = ChildProcess.net(env.swrapDir(), CLIENT);
        e.put("SWRAP_LINKS", LINKS);
        return ChildProcess.java("multichannel-client", e, List.of("-D" + MultichannelClientPeer.TIMEOUT_PROPERTY + "=5000"),
                MultichannelClientPeer.class.getName(), "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, scenario);
    }

    /** The scenario succeeded on three channels, having given up the one to {@code nic} for its silence. */
    private static void checkSurvived(ChildProcess p, String scenario, String nic) throws Exception {
        Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", WAIT);
        assertEquals("OK", m.group(1), scenario + ": " + m.group(2) + "\nclient stderr:\n" + p.stderr()
                + "\nserver:\n" + env.serverStderr());
        Matcher r = java.util.regex.Pattern.compile(".* channels=4 servers=(\\S+) .* sha256=(\\S+) replays=(\\d+)"
                + " lost=1 live=(\\S+) after=ok").matcher(m.group(2));
        assertTrue(r.matches(), scenario + ": expected 4 channels bound, 1 lost: " + m.group(2));
        int lostIndex = Arrays.asList(r.group(1).split(",")).indexOf(nic);
        assertTrue(lostIndex >= 0, scenario + ": a channel to " + nic + " among " + r.group(1));
        List<String> live = Arrays.asList(r.group(4).split(","));
        assertEquals(3, live.size(), scenario + ": live channels " + live);
        assertFalse(live.contains(Integer.toString(lostIndex)), scenario + ": channel " + lostIndex + " (" + nic
                + ") must be the one lost, live: " + live);
        assertTrue(Long.parseLong(r.group(3)) > 0, scenario + ": its requests must have been replayed");
        p.succeeds();
        assertTrue(p.stderr().contains("no response from /" + nic + ":" + SmbEnv.PORT), scenario
                + ": lost for its silence, not closed: " + p.stderr());
        String file = scenario.substring(0, scenario.indexOf(':'));
        assertEquals(env.shareSha256(file), r.group(2), file + " on the server's disk");
    }

}
