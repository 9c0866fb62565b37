package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of one unauthenticated peer, from raw sockets under C libsocket_wrapper
 * ({@code cpeers/smb_flood.py}), against the project's SMB server in its own JVM with small connection
 * limits: half-done SESSION_SETUPs, 16 MiB frame prefixes, idle connections beyond the cap, and a peer
 * that never reads its replies. Each time the server refuses as configured, stays up, and Debian's
 * smbclient still writes and reads back a file whose hash matches.
 */
class ConnectionLimitsIT {
    private static final int NIC = 41;
    private static final int ATTACKER = 51;
    private static final int CLIENT = 52;
    private static final int MAX_CONNECTIONS = 24;
    private static final int SESSIONS_PER_CONNECTION = 8;
    private static final int PENDING_SESSIONS = 12;
    /** The idle test's server only: the main one waits longer, so the floods are not cut short. */
    private static final int PREAUTH_TIMEOUT_SECONDS = 5;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);
    private static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
    /**
     * The server's heap: enough for the server within its limits, too small for the half-done sessions of
     * {@link #FLOOD_SESSIONS} (about 1 KiB each without the limits); an OutOfMemoryError ends the JVM.
     */
    private static final List<String> SERVER_JVM = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=256m");
    private static final int FLOOD_SESSIONS = 150_000;

    @TempDir
    static Path base;
    static SmbEnv env;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), new int[] {NIC}, String.join("\n  ",
                "smbserver:max connections = " + MAX_CONNECTIONS,
                "smbserver:max sessions per connection = " + SESSIONS_PER_CONNECTION,
                "smbserver:max pending sessions = " + PENDING_SESSIONS,
                // the flood and the peer that never reads never log on: they must not be closed meanwhile
                "smbserver:pre-auth timeout = 600",
                "smbserver:max unsent bytes = 64K"), SERVER_JVM);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    private static ChildProcess flood(SmbEnv server, int nic, String mode, int a, int b) throws Exception {
        return ChildProcess.cPeer("smb-flood-" + mode, ChildProcess.net(server.swrapDir(), ATTACKER), "smb_flood.py",
                mode, "127.0.0." + nic, Integer.toString(SmbEnv.PORT), Integer.toString(a), Integer.toString(b));
    }

    @Test
    void halfDoneSessionSetupsAreCappedPerConnectionAndInAll() throws Exception {
        String expected = SESSIONS_PER_CONNECTION + " refused 0x" + Integer.toHexString(STATUS_INSUFFICIENT_RESOURCES)
                + ":" + 2 * SESSIONS_PER_CONNECTION + ", then " + (PENDING_SESSIONS - SESSIONS_PER_CONNECTION)
                + ", echo 0x00000000";
        assertEquals(expected, floodSessions());
        // once the peer is gone its sessions are given back: the same flood gets as far again (the server
        // closes the connections a moment after the peer exits: retried for up to 30 s)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String again = floodSessions();
        while (!again.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            again = floodSessions();
        }
        assertEquals(expected, again, "a second flood after the first peer left");
        assertPutGetWorks("after-sessions.bin");
    }

    /** Two connections with 3 x {@code max sessions per connection} SESSION_SETUPs each: what was answered. */
    private static String floodSessions() throws Exception {
        try (ChildProcess p = flood(env, NIC, "sessions", 2, 3 * SESSIONS_PER_CONNECTION)) {
            Matcher c0 = p.expect("conn 0 more=(\\d+) refused=(.*)", PEER_TIMEOUT);
            Matcher c1 = p.expect("conn 1 more=(\\d+) refused=(.*)", PEER_TIMEOUT);
            Matcher done = p.expect("sessions-done more=(\\d+) echo=(\\S+)", PEER_TIMEOUT);
            p.succeeds();
            return c0.group(1) + " refused " + c0.group(2) + ", then " + c1.group(1) + ", echo " + done.group(2);
        }
    }

    @Test
    void aFloodOfHalfDoneSessionSetupsStaysWithinTheHeap() throws Exception {
        try (ChildProcess p = flood(env, NIC, "pipelined", FLOOD_SESSIONS, 512)) {
            Matcher m = p.expect("pipelined-done answered=(\\d+) of \\d+ more=(\\d+) refused=(.*)", PEER_TIMEOUT);
            assertEquals(FLOOD_SESSIONS, Integer.parseInt(m.group(1)), "answers: " + m.group() + "; server alive="
                    + env.serverAlive() + "\nserver:\n" + tail(env.serverStderr()));
            assertTrue(Integer.parseInt(m.group(2)) <= SESSIONS_PER_CONNECTION, m.group());
            assertTrue(m.group(3).matches("0xc000009a:\\d+"), "refusals: " + m.group(3));
            p.succeeds();
        }
        assertTrue(env.serverAlive(), tail(env.serverStderr()));
        assertPutGetWorks("after-flood.bin");
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }

    @Test
    void framePrefixesBeforeNegotiateAreRefusedWhileAClientTransfers() throws Exception {
        try (ChildProcess p = flood(env, NIC, "prefix", 15, 1 << 20)) {
            assertPutGetWorks("during-prefixes.bin");
            Matcher m = p.expect("prefix-done closed=(\\d+) open=(\\d+)", PEER_TIMEOUT);
            assertEquals(15, Integer.parseInt(m.group(1)), "connections the server closed: " + m.group()
                    + "\nserver:\n" + env.serverStderr());
            p.succeeds();
        }
        assertTrue(env.serverAlive(), env.serverStderr());
    }

    @Test
    void connectionsAreCappedAndIdleOnesClosedAfterThePreauthTimeout() throws Exception {
        int attempts = MAX_CONNECTIONS + 16;
        try (SmbEnv server = SmbEnv.start(base.resolve("net-idle"), new int[] {NIC + 1}, String.join("\n  ",
                "smbserver:max connections = " + MAX_CONNECTIONS,
                "smbserver:pre-auth timeout = " + PREAUTH_TIMEOUT_SECONDS), SERVER_JVM);
             ChildProcess p = flood(server, NIC + 1, "idle", attempts, PREAUTH_TIMEOUT_SECONDS + 40)) {
            Matcher open = p.expect("idle-open refused=(\\d+) open=(\\d+)", PEER_TIMEOUT);
            int refused = Integer.parseInt(open.group(1));
            int kept = Integer.parseInt(open.group(2));
            assertEquals(attempts - MAX_CONNECTIONS, refused, "smbserver:max connections = " + MAX_CONNECTIONS + ": "
                    + open.group() + "\nserver:\n" + tail(server.serverStderr()));
            Matcher done = p.expect("idle-done closed=(\\d+) of (\\d+) within .*", PEER_TIMEOUT);
            assertEquals(kept, Integer.parseInt(done.group(1)), "idle connections closed by smbserver:pre-auth timeout: "
                    + done.group());
            p.succeeds();
            assertPutGetWorks(server, NIC + 1, "after-idle.bin");
        }
    }

    @Test
    void aPeerThatNeverReadsIsNoLongerRead() throws Exception {
        try (ChildProcess p = flood(env, NIC, "noread", 60_000, 60)) {
            Matcher m = p.expect("noread-done (.*)", PEER_TIMEOUT);
            assertTrue(m.group(1).startsWith("blocked=true "), "the server must stop reading a peer whose replies "
                    + "pile up: " + m.group(1) + "\nserver:\n" + tail(env.serverStderr()));
            assertPutGetWorks("during-noread.bin");
            assertTrue(env.serverAlive(), tail(env.serverStderr()));
        }
    }

    private static void assertPutGetWorks(String name) throws Exception {
        assertPutGetWorks(env, NIC, name);
    }

    /** smbclient puts 4 MiB of random bytes and gets them back; both copies hash alike. */
    private static void assertPutGetWorks(SmbEnv server, int nic, String name) throws Exception {
        Path cwd = Files.createDirectories(base.resolve("client-" + name));
        byte[] data = new byte[4 << 20];
        new Random(name.hashCode()).nextBytes(data);
        Files.write(cwd.resolve(name), data);
        Smbclient.Result r = server.smbclient(CLIENT, nic, SmbEnv.PASSWORD, cwd,
                "put " + name + "; get " + name + " " + name + ".back", "-m", "SMB3");
        assertEquals(0, r.exit(), r.output() + "\nserver:\n" + server.serverStderr());
        assertEquals(sha256(data), sha256(Files.readAllBytes(server.share().resolve(name))), name + " on the share");
        assertEquals(sha256(data), sha256(Files.readAllBytes(cwd.resolve(name + ".back"))), name + " read back");
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
