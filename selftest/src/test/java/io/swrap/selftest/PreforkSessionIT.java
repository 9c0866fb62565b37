package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.state.FileIds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions of a prefork server ({@code prefork children = 4}) as one GlobalSessionTable: impacket (under C
 * libsocket_wrapper) logs on over three connections, each with its own ClientGuid, so each is served by another
 * worker (their SessionIds carry the worker, {@link FileIds#workerOf}), and each NEGOTIATE answers the same
 * ServerGuid. Another user's logon naming the first session as PreviousSessionId ends nothing; the same user's
 * ends it in the other worker before it is answered: the first connection's handle and tree then answer
 * USER_SESSION_DELETED and its open, which shared nothing, is closed. SMB 2.1, unencrypted: an encrypted request naming a session that is gone cannot be read, and its
 * connection is closed instead (as Samba does).
 */
class PreforkSessionIT {
    private static final int[] NICS = {11, 12};
    private static final int CLIENT = 46;
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String OTHER = "other";
    private static final String OTHER_PASSWORD = "secret2";
    private static final String SUCCESS = "0x00000000";
    private static final String USER_SESSION_DELETED = "0xc0000203";

    @TempDir
    static Path base;
    static SmbEnv env;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), NICS, PreforkIT.PREFORK);
    }

    @AfterAll
    static void stopServer() {
        if (env != null) {
            env.close();
            env = null;
        }
    }

    @Test
    void aPreviousSessionIdOfAnotherWorkerEndsTheSameUsersSessionOnly() throws Exception {
        new SmbPasswdFile(env.share().resolveSibling("smbpasswd")).addUser(OTHER, 1001, OTHER_PASSWORD,
                System.currentTimeMillis() / 1000);
        try (ChildProcess p = ChildProcess.cPeer("impacket-previous-session", ChildProcess.net(env.swrapDir(), CLIENT),
                "previous_session_client.py", "127.0.0." + NICS[0], "share", SmbEnv.USER, SmbEnv.PASSWORD, OTHER,
                OTHER_PASSWORD)) {
            String[] first = session(p, SmbEnv.USER);
            assertEquals(SUCCESS, step(p, "opened"));
            String[] other = session(p, OTHER);
            assertEquals(SUCCESS, step(p, "first-after-other-user"),
                    "the first session's handle after another user's logon named it as PreviousSessionId");
            String[] again = session(p, SmbEnv.USER);
            assertNotEquals(worker(first), worker(other), "the first two logons' workers");
            assertNotEquals(worker(first), worker(again), "the first and third logons' workers");
            assertEquals(List.of(first[1], first[1]), List.of(other[1], again[1]),
                    "the ServerGuid of the three workers: one server");
            assertEquals(USER_SESSION_DELETED, step(p, "first-handle-after-same-user"),
                    "the first session's handle after the same user's logon from another worker named it");
            assertEquals(USER_SESSION_DELETED, step(p, "first-tree-after-same-user"),
                    "a CREATE on the ended session's tree");
            assertEquals(SUCCESS, step(p, "reopen-unshared"), "the ended session's open (no sharing) is closed");
            p.succeeds();
        }
    }

    /** SessionId and ServerGuid of the next logon of {@code user}. */
    private static String[] session(ChildProcess p, String user) throws Exception {
        return expect(p, "SESSION " + user + " (0x[0-9a-f]{16} [0-9a-f]{32})").split(" ");
    }

    private static int worker(String[] session) {
        return FileIds.workerOf(Long.parseUnsignedLong(session[0].substring(2), 16));
    }

    private static String step(ChildProcess p, String name) throws Exception {
        return expect(p, "STEP " + name + " (0x[0-9a-f]{8})");
    }

    private static String expect(ChildProcess p, String regex) throws Exception {
        try {
            return p.expect(regex, STEP).group(1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nserver:\n" + env.serverStderr(), e);
        }
    }
}
