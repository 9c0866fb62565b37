package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.state.FileIds;
import io.swrap.smb.state.SessionGlobal;
import io.swrap.smb.state.SharedSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PreviousSessionId naming a session of a worker that cannot answer the SESSION_CLOSE message
 * ({@code smb2.handler.PreviousSessions}), in a prefork server of two workers: impacket (under C
 * libsocket_wrapper) logs on over a first connection and opens a file with no sharing; the test stops or kills
 * that connection's worker; a second connection (another ClientGuid, so the other worker) logs on as the same
 * user naming the first session. A stopped owner costs the logon {@code smbserver:prefork session close
 * timeout}, no less and no more, and ends the session when it runs again; a dead owner costs nothing, and the
 * master's repair has dropped its sessions from the shared table.
 */
class PreforkSessionRecoveryIT {
    private static final int[] NICS = {11, 12};
    private static final int CLIENT = 47;
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final String SUCCESS = "0x00000000";
    private static final String USER_SESSION_DELETED = "0xc0000203";
    /** Low, so that the test waits little; high enough that a logon answered without the wait shows. */
    private static final long SHORT_TIMEOUT_MS = 1500;
    /** High, so that a logon waiting for it cannot pass for one answered at once. */
    private static final long LONG_TIMEOUT_MS = 20000;
    /** A logon answered at once still takes its NTLM round trips through the fake network, on 2 loaded cores. */
    private static final long AT_ONCE_MS = 3000;
    /** What a loaded machine may add to the timeout before the logon is answered. */
    private static final long LATE_MS = 10000;

    @TempDir
    static Path base;

    /**
     * The first session's worker SIGSTOPped: the logon naming it is answered after the timeout (one WARNING
     * line). The SESSION_CLOSE message waits in the stopped worker's socket: after SIGCONT the worker ends the
     * session although nobody waits for its answer any more (its wake-up names a forgotten waiter), so the
     * first connection's handle soon answers USER_SESSION_DELETED and its open is closed; a new client is served.
     */
    @Test
    void aStoppedOwnerDelaysTheLogonByTheTimeoutAndEndsTheSessionWhenItRunsAgain() throws Exception {
        Path trigger = Files.createDirectories(base.resolve("stopped-go"));
        try (SmbEnv env = start("stopped", SHORT_TIMEOUT_MS);
             ChildProcess p = peer(env, trigger, "stopped")) {
            long first = session(env, p, "first");
            assertEquals(SUCCESS, step(env, p, "opened"));
            long owner = workerPid(env, slot(first));
            signal("STOP", owner);
            long second;
            long took;
            try {
                Files.createFile(trigger.resolve("logon"));
                second = session(env, p, "second");
                took = Long.parseLong(expect(env, p, "LOGON (\\d+)"));
            } finally {
                signal("CONT", owner);
            }
            assertNotEquals(FileIds.workerOf(first), FileIds.workerOf(second), "the two logons' workers");
            assertTrue(took >= SHORT_TIMEOUT_MS && took < SHORT_TIMEOUT_MS + LATE_MS, "the logon naming the"
                    + " stopped worker's session took " + took + " ms; expected the session close timeout ("
                    + SHORT_TIMEOUT_MS + " ms) and less than " + LATE_MS + " ms more\nserver:\n"
                    + env.serverStderr());
            assertTrue(env.serverStderr().contains("session 0x" + Long.toHexString(second) + " answered without word"
                    + " from worker " + owner + " that its PreviousSessionId 0x" + Long.toHexString(first)
                    + " ended, after " + SHORT_TIMEOUT_MS + " ms"),
                    "the timeout's WARNING line:\n" + env.serverStderr());

            Files.createFile(trigger.resolve("after"));
            assertEquals(USER_SESSION_DELETED, step(env, p, "first-handle"),
                    "the first session's handle once its worker runs again: " + p.stdout());
            assertEquals(SUCCESS, step(env, p, "reopen-unshared"), "the ended session's open (no sharing) is closed");
            p.succeeds();
            assertServed(env, "stopped");
        }
    }

    /**
     * The first session's worker killed with -9: the master drops its sessions from the shared table (its
     * WARNING line counts them) and starts the worker again; the logon naming the dead session, in the other
     * worker, is answered at once although the timeout is long, and the dead worker's open no longer holds the
     * file; a new client is served.
     */
    @Test
    void aDeadOwnersSessionsAreGoneAndTheLogonIsAnsweredAtOnce() throws Exception {
        Path trigger = Files.createDirectories(base.resolve("killed-go"));
        try (SmbEnv env = start("killed", LONG_TIMEOUT_MS);
             ChildProcess p = peer(env, trigger, "killed")) {
            long first = session(env, p, "first");
            assertEquals(SUCCESS, step(env, p, "opened"));
            int slot = slot(first);
            long owner = workerPid(env, slot);
            try (SharedSessions table = SharedSessions.open(masterDir(env, owner),
                    SmbConfig.Prefork.DEFAULT_MAX_SESSIONS)) {
                SessionGlobal g = table.get(first);
                assertNotNull(g, "the first session 0x" + Long.toHexString(first) + " in the shared table");
                assertEquals(owner, g.ownerPid(), "the first session's owner in the shared table");

                ProcessHandle.of(owner).orElseThrow().destroyForcibly();
                PreforkIT.awaitRestart(env, (int) owner);
                Matcher m = Pattern.compile("pid " + owner + "\\) exited with status \\d+: .* (\\d+) sessions ended;")
                        .matcher(env.serverStderr());
                assertTrue(m.find(), "the master's line for the dead worker:\n" + env.serverStderr());
                assertEquals("1", m.group(1), "sessions of the dead worker that the master ended: " + m.group());
                assertNull(table.get(first), "the dead worker's session 0x" + Long.toHexString(first)
                        + " in the shared table after the master's repair");
            }
            long restarted = workerPid(env, slot);
            assertNotEquals(owner, restarted, "worker " + slot + "'s pid after the restart");

            Files.createFile(trigger.resolve("logon"));
            long second = session(env, p, "second");
            long took = Long.parseLong(expect(env, p, "LOGON (\\d+)"));
            long served = workerPid(env, slot(second));
            assertNotEquals(owner, served, "the second logon's worker");
            assertTrue(took < AT_ONCE_MS, "the logon naming the dead worker's session took " + took + " ms; expected"
                    + " less than " + AT_ONCE_MS + " ms (the session close timeout is " + LONG_TIMEOUT_MS + " ms)"
                    + "\nserver:\n" + env.serverStderr());
            Files.createFile(trigger.resolve("after"));
            assertEquals(SUCCESS, step(env, p, "reopen-unshared"), "the dead worker's open (no sharing) is gone");
            p.succeeds();
            assertServed(env, "killed");
        }
    }

    private static SmbEnv start(String name, long timeoutMs) throws Exception {
        return SmbEnv.start(base.resolve(name), NICS, "prefork children = 2\n  smbserver:prefork session close"
                + " timeout = " + timeoutMs);
    }

    private static ChildProcess peer(SmbEnv env, Path trigger, String mode) throws Exception {
        return ChildProcess.cPeer("impacket-recovery-" + mode, ChildProcess.net(env.swrapDir(), CLIENT),
                "previous_session_recovery_client.py", "127.0.0." + NICS[0], "share", SmbEnv.USER, SmbEnv.PASSWORD,
                trigger.toString(), mode);
    }

    /** A client of a ClientGuid of its own lists the share. */
    private static void assertServed(SmbEnv env, String name) throws Exception {
        Smbclient.Result r = env.smbclient(33, 12, SmbEnv.PASSWORD,
                Files.createDirectories(base.resolve(name + "-cwd")), "ls", "-m", "SMB3");
        assertEquals(0, r.exit(), "a new client: " + r.output() + "\nserver:\n" + env.serverStderr());
    }

    /** The slot of the worker that gave out SessionId {@code id} (ids carry slot + 1). */
    private static int slot(long id) {
        return FileIds.workerOf(id) - 1;
    }

    /** The pid of the worker last ready in {@code slot}, from the master's log; alive. */
    private static long workerPid(SmbEnv env, int slot) {
        Matcher m = Pattern.compile("Master: worker " + slot + " \\(pid (\\d+)\\) ready").matcher(env.serverStderr());
        long pid = -1;
        while (m.find()) {
            pid = Long.parseLong(m.group(1));
        }
        assertTrue(pid > 0 && PreforkIT.workers(env).contains(pid), "worker " + slot + " ready as pid " + pid
                + ", workers " + PreforkIT.workers(env) + "\nserver:\n" + env.serverStderr());
        return pid;
    }

    /** The master's directory, which holds the shared session table, as the worker's message socket names it. */
    private static Path masterDir(SmbEnv env, long worker) {
        Matcher m = Pattern.compile("pid " + worker + ": messaging on (\\S+)/msg-" + worker + "\\.sock")
                .matcher(env.serverStderr());
        assertTrue(m.find(), "worker " + worker + "'s message socket in the log:\n" + env.serverStderr());
        return Path.of(m.group(1));
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS), "kill -" + signal + " " + pid + " did not exit within 30 s");
        assertEquals(0, kill.exitValue(), "kill -" + signal + " " + pid + ": " + out);
    }

    private static long session(SmbEnv env, ChildProcess p, String name) throws Exception {
        return Long.parseUnsignedLong(expect(env, p, "SESSION " + name + " 0x([0-9a-f]{16})"), 16);
    }

    private static String step(SmbEnv env, ChildProcess p, String name) throws Exception {
        return expect(env, p, "STEP " + name + " (0x[0-9a-f]{8})");
    }

    private static String expect(SmbEnv env, ChildProcess p, String regex) throws Exception {
        try {
            return p.expect(regex, STEP).group(1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nserver:\n" + env.serverStderr(), e);
        }
    }
}
