package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File I/O off the event loops, against the server in its own JVM with a single event loop (every
 * connection on it) and Netty's paranoid leak detector. A FUSE file system (cpeers/slow_fs.py, python3-fusepy)
 * mounted inside the share holds each read of its files, and on demand their lookups and stats, until the test
 * lets it go: one client's READ waits in the server's pread, its CREATE in the server's lookup and open, its
 * QUERY_INFO in the server's fstat, while another client's ECHO and small READ are answered; then a READ whose
 * connection goes away while it waits is finished without a leaked buffer. Needs root and /dev/fuse, as the CI
 * machine has.
 */
class SlowIoIT {
    private static final int[] NICS = {11};
    private static final int CLIENT = 23;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path base;
    static SmbEnv env;
    static ChildProcess slowFs;
    static Path gates;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), NICS, "", List.of("-Dio.netty.eventLoopThreads=1",
                "-Dio.netty.leakDetection.level=paranoid", "-ea"));
        Files.writeString(env.share().resolve("small.txt"), "hello", StandardCharsets.UTF_8);
        Path mnt = Files.createDirectory(env.share().resolve("slow"));
        gates = Files.createDirectory(base.resolve("gates"));
        slowFs = ChildProcess.command("slow-fs", Map.of(), List.of(ChildProcess.PYTHON, "-u",
                ChildProcess.resource("slow_fs.py").toString(), mnt.toString(), gates.toString()));
        slowFs.expect("MOUNTED", WAIT);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (gates != null) {
            for (String name : List.of("a.bin", "b.bin", "c.bin", "d.bin", "e.bin")) {
                Files.writeString(gates.resolve(name), "", StandardCharsets.UTF_8); // no read left waiting
            }
        }
        if (env != null) {
            env.close();
        }
        if (slowFs != null) {
            slowFs.close(); // SIGTERM: the file system unmounts itself
        }
    }

    private static ChildProcess peer(String file, Path go, boolean abandon) throws Exception {
        return peer(file, go, abandon ? "abandon" : "wait", "read");
    }

    /** SlowIoPeer with the slow operation {@code op} (read, create, query) on {@code file}. */
    private static ChildProcess peer(String file, Path go, String end, String op) throws Exception {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return ChildProcess.java("slow-io-peer", ChildProcess.net(env.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.SlowIoPeer", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, file, "small.txt", go.toString(), end, op, gates.resolve("hold-" + name).toString());
    }

    /**
     * Holds {@code op} of one client on {@code name} in the file system, then lets the other client ECHO and READ
     * on the same (only) event loop, and only then lets the held call return: answers {@code op}'s result.
     */
    private static String otherClientAnsweredWhileHeld(String name, String op, String waiting) throws Exception {
        try (ChildProcess p = peer("slow/" + name, base.resolve("go-" + name), "wait", op)) {
            p.expect("SLOW_SENT", WAIT);
            slowFs.expect(waiting + " \\Q" + name + "\\E", WAIT); // the server's call is now held
            Files.createFile(base.resolve("go-" + name));
            p.expect("ECHO_OK", WAIT);
            assertEquals("hello", p.expect("SMALL_READ_OK (.*)", WAIT).group(1));
            assertFalse(p.stdout().stream().anyMatch(l -> l.startsWith("SLOW_DONE")), p.stdout().toString());
            release(name);
            String done = p.expect("SLOW_DONE (.*)", WAIT).group(1);
            p.succeeds();
            return done;
        }
    }

    /** Lets the held read of {@code name} return. */
    private static void release(String name) throws Exception {
        Files.writeString(gates.resolve(name), "", StandardCharsets.UTF_8);
    }

    @Test
    void aReadWaitingOnTheFileSystemDoesNotStallAnotherClientOnTheSameLoop() throws Exception {
        try (ChildProcess p = peer("slow/a.bin", base.resolve("go-a"), false)) {
            p.expect("SLOW_SENT", WAIT);
            slowFs.expect("READ_WAITING a.bin", WAIT); // the server's pread is now held
            Files.createFile(base.resolve("go-a"));
            p.expect("ECHO_OK", WAIT);
            assertEquals("hello", p.expect("SMALL_READ_OK (.*)", WAIT).group(1));
            // the other client was answered while the read was still held, by the server's only event loop
            assertFalse(p.stdout().stream().anyMatch(l -> l.startsWith("SLOW_DONE")), p.stdout().toString());
            release("a.bin");
            assertEquals("slow-data", p.expect("SLOW_DONE (.*)", WAIT).group(1));
            p.succeeds();
        }
        assertFalse(env.serverStderr().contains("LEAK"), env.serverStderr());
    }

    @Test
    void aReadWaitingOnTheFileSystemDoesNotHoldUpTheNextReadOfItsConnection() throws Exception {
        // smbserver:io requests per connection (default 4): A's READ of small.txt overtakes its held READ
        assertEquals("slow-data", otherClientAnsweredWhileHeld("e.bin", "pipeline", "READ_WAITING"));
        assertFalse(env.serverStderr().contains("LEAK"), env.serverStderr());
    }

    @Test
    void aCreateWaitingOnTheFileSystemDoesNotStallAnotherClientOnTheSameLoop() throws Exception {
        Files.createFile(gates.resolve("hold-c.bin")); // from now on a lookup or stat of c.bin waits
        assertEquals("opened", otherClientAnsweredWhileHeld("c.bin", "create", "GETATTR_WAITING"));
        assertFalse(env.serverStderr().contains("LEAK"), env.serverStderr());
    }

    @Test
    void aQueryInfoWaitingOnTheFileSystemDoesNotStallAnotherClientOnTheSameLoop() throws Exception {
        // the peer opens d.bin, then creates hold-d.bin: the QUERY_INFO's fstat is what waits
        assertEquals("eof 9", otherClientAnsweredWhileHeld("d.bin", "query", "GETATTR_WAITING"));
        assertFalse(env.serverStderr().contains("LEAK"), env.serverStderr());
    }

    @Test
    void aReadWhoseConnectionWentAwayReleasesItsBuffer() throws Exception {
        try (ChildProcess p = peer("slow/b.bin", base.resolve("go-b"), true)) {
            p.expect("SLOW_SENT", WAIT);
            slowFs.expect("READ_WAITING b.bin", WAIT);
            Files.createFile(base.resolve("go-b"));
            p.waitFor();
        }
        release("b.bin"); // the read ends after its connection did: its buffer has no response to go into
        // the leak detector reports a buffer collected unreleased at a later allocation: collect, move data, twice
        for (String file : List.of("after1.bin", "after2.bin")) {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(env.serverPid()), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            assertTrue(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0, "jcmd GC.run");
            String scenario = "SMB3_11:sign:" + file + ":16";
            try (ChildProcess p = ChildProcess.java("smbclient-peer", ChildProcess.net(env.swrapDir(), CLIENT),
                    "io.swrap.selftest.peers.SmbClientPeer", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share",
                    SmbEnv.USER, SmbEnv.PASSWORD, scenario)) {
                assertEquals("OK", p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E .*", WAIT).group(1),
                        p.stdout() + "\n" + p.stderr());
                p.succeeds();
            }
        }
        assertTrue(env.serverAlive(), env.serverStderr());
        assertFalse(env.serverStderr().contains("LEAK"), env.serverStderr());
    }
}
