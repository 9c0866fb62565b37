package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.state.FileIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable open handed over between the workers of a prefork server ({@code prefork children = 4}): impacket
 * (under C libsocket_wrapper) opens a file durably (batch oplock, DHnQ), writes and locks bytes 0..3, and its
 * connection dies; a connection with another ClientGuid, served by another worker (their SessionIds carry the
 * worker, {@link FileIds#workerOf}), reconnects it with DHnC (DURABLE_CLAIM / DURABLE_ANSWER): it gets the same
 * FileId and reads the data, and a third connection's lock on the range is refused (the lock moved with the open).
 * Another user's DHnC of a second durable open is refused ACCESS_DENIED by the worker holding it, which keeps it:
 * its owner's reconnect from a third worker succeeds after.
 */
class PreforkDurableIT {
    private static final int[] NICS = {11, 12};
    private static final int CLIENT = 47;
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String OTHER = "other";
    private static final String OTHER_PASSWORD = "secret2";
    private static final String SUCCESS = "0x00000000";
    private static final String ACCESS_DENIED = "0xc0000022";
    private static final String LOCK_NOT_GRANTED = "0xc0000055";

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
    void aDurableOpenIsReconnectedInAnotherWorkerWithItsLockAndOnlyByItsUser() throws Exception {
        new SmbPasswdFile(env.share().resolveSibling("smbpasswd")).addUser(OTHER, 1001, OTHER_PASSWORD,
                System.currentTimeMillis() / 1000);
        try (ChildProcess p = ChildProcess.cPeer("impacket-durable-handover", ChildProcess.net(env.swrapDir(),
                CLIENT), "durable_handover_client.py", "127.0.0." + NICS[0], "share", SmbEnv.USER, SmbEnv.PASSWORD,
                OTHER, OTHER_PASSWORD)) {
            int first = worker(expect(p, "SESSION handover.bin (0x[0-9a-f]{16})"));
            String fileId = expect(p, "FILEID handover.bin ([0-9a-f]{32})");
            assertEquals(SUCCESS, step(p, "locked"), "the first connection's lock of bytes 0..3");
            int second = lastWorker(p, "reconnect", first);
            assertNotEquals(first, second, "the reconnect's worker");
            assertEquals(SUCCESS, step(p, "reconnect"), "DHnC of FileId " + fileId + " from worker " + second
                    + ", the open kept by worker " + first);
            assertEquals(fileId, expect(p, "FILEID reconnect ([0-9a-f]{32})"), "the reconnected open's FileId");
            assertEquals(HexFormat.of().formatHex("handed over".getBytes(StandardCharsets.US_ASCII)),
                    expect(p, "DATA ([0-9a-f]*)"), "what the reconnected open reads");
            expect(p, "SESSION third (0x[0-9a-f]{16})");
            assertEquals(LOCK_NOT_GRANTED, step(p, "third-lock"),
                    "a third connection's lock of the range the handed-over open holds");

            int owner = worker(expect(p, "SESSION refused.bin (0x[0-9a-f]{16})"));
            int intruder = lastWorker(p, "intruder", owner);
            assertEquals(ACCESS_DENIED, step(p, "other-user"), "another user's DHnC from worker " + intruder
                    + " of the open kept by worker " + owner);
            lastWorker(p, "owner-again", owner);
            assertEquals(SUCCESS, step(p, "owner-after-refusal"), "the owner's DHnC after the refused claim");
            p.succeeds();
        }
    }

    /** The worker of the last of the connections named {@code name} (those in {@code avoided}'s are kept open). */
    private static int lastWorker(ChildProcess p, String name, int avoided) throws Exception {
        int w;
        do {
            w = worker(expect(p, "SESSION " + name + " (0x[0-9a-f]{16})"));
        } while (w == avoided);
        return w;
    }

    private static int worker(String sessionId) {
        return FileIds.workerOf(Long.parseUnsignedLong(sessionId.substring(2), 16));
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
