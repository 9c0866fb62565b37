package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.smb.config.MessagingLimits;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.oplock.BreakMessages;
import io.swrap.smb.oplock.BreakNotice;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OplockBreak;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messaging between the workers of a real multi-process server ({@code prefork children = 2}, real TCP): the
 * test plays a third worker with its own {@link Endpoint} in the master's directory. A break message for the
 * open of a client served by worker A, sent to worker A, reaches that client as an SMB2 OPLOCK_BREAK; the same
 * message sent to worker B (which does not serve it) delivers nothing; a message to a worker killed with -9 is
 * reported undeliverable (its socket removed by the master), and the client's worker still serves it.
 */
class PreforkMessagingIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int BATCH = 0x09;
    private static final int LEVEL_II = 0x01;
    private static final int READ_WRITE = 0xC0000000;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OVERWRITE_IF = 5;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;

    @TempDir
    Path base;

    /** A running server: its process, port, the master's directory and each worker slot's pid. */
    private record Server(ChildProcess process, int port, Path dir, Map<Integer, Long> pids) {
        /** The slots the master passed connections to, in order (from its log at level 3). */
        List<Integer> passedTo() {
            Matcher m = Pattern.compile("passed to worker (\\d) \\(ClientGuid [0-9a-f]{32}\\)").matcher(
                    process.stderr());
            List<Integer> slots = new java.util.ArrayList<>();
            while (m.find()) {
                slots.add(Integer.parseInt(m.group(1)));
            }
            return slots;
        }
    }

    /** {@code prefork children = 2} on 127.0.0.1 (real TCP, no agent), log level 3, temp files under base. */
    private Server start() throws Exception {
        return start(true);
    }

    private Server start(boolean unshared) throws Exception {
        Path share = Files.createDirectories(base.resolve("share"));
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        new io.swrap.smb.smb2.auth.SmbPasswdFile(base.resolve("smbpasswd")).addUser(SmbEnv.USER, 1000,
                SmbEnv.PASSWORD, System.currentTimeMillis() / 1000);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = Files.writeString(base.resolve("smb.conf"), "[global]\n interfaces = 127.0.0.1\n smb ports = "
                + port + "\n smb passwd file = " + base.resolve("smbpasswd") + "\n prefork children = 2\n"
                + (unshared ? " smbserver:prefork unshared file state = yes\n" : "") + " log level = 3\n[share]\n path = " + share
                + "\n read only = no\n");
        ChildProcess server = ChildProcess.command("smbserver-prefork2", new HashMap<>(), List.of(
                ChildProcess.JAVA, "-Djava.io.tmpdir=" + tmp, "--enable-native-access=ALL-UNNAMED", "--add-exports",
                "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.swrap.smb.SmbServerMain", "-s", conf.toString()));
        try {
            await(server, "(?s).*listening on /127.0.0.1:" + port + ".*");
            Map<Integer, Long> pids = workerPids(server.stderr());
            assertEquals(2, pids.size(), server.stderr());
            Path dir;
            try (Stream<Path> s = Files.list(tmp)) {
                dir = s.filter(p -> p.getFileName().toString().startsWith("smbserver-prefork-")).findFirst()
                        .orElseThrow();
            }
            for (long pid : pids.values()) {
                assertTrue(Files.exists(Endpoint.address(dir, pid)), "worker " + pid + " has its message socket");
            }
            return new Server(server, port, dir, pids);
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    @Test
    void aBreakFromAnotherWorkerReachesTheClientOfItsWorkerOnlyAndOneToAKilledWorkerIsReported() throws Exception {
        Server srv = start();
        try (ChildProcess server = srv.process()) {
            int port = srv.port();
            Path dir = srv.dir();
            Map<Integer, Long> pids = srv.pids();
            ClientConfig cfg = ClientConfig.of(SmbEnv.USER, SmbEnv.PASSWORD).withDialect(Smb2Dialect.SMB3_11);
            try (Session s = SmbClient.connect(new InetSocketAddress("127.0.0.1", port), cfg)) {
                Tree tree = s.treeConnect("share");
                Open held = tree.create("f", READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, BATCH);
                assertEquals(BATCH, held.oplockLevel());
                Matcher m = Pattern.compile("passed to worker (\\d) \\(ClientGuid ([0-9a-f]{32})\\)")
                        .matcher(server.stderr());
                assertTrue(m.find(), server.stderr());
                long serving = pids.get(Integer.parseInt(m.group(1)));
                long other = pids.values().stream().filter(p -> p != serving).findFirst().orElseThrow();
                long fid = held.persistentFileId(); // the server's volatile FileId is the same number
                BreakNotice toII = new BreakNotice.Oplock(OwnerId.of(m.group(2), fid, fid), LEVEL_II, true);

                BlockingQueue<String> undelivered = new LinkedBlockingQueue<>();
                long self = ProcessHandle.current().pid();
                try (Endpoint third = Endpoint.open(dir, self, MessagingLimits.DEFAULTS, msg -> null,
                        (pid, msg, why) -> undelivered.add(pid + " " + msg.type() + " " + why))) {
                    assertTrue(third.send(other, BreakMessages.encode(toII, self)));
                    assertNull(s.awaitOplockBreak(Duration.ofSeconds(2)), "worker " + other
                            + " does not serve the client: it delivers nothing");
                    assertTrue(third.send(serving, BreakMessages.encode(toII, self)));
                    OplockBreak b = s.awaitOplockBreak(WAIT);
                    assertNotNull(b, "no break from worker " + serving + ":\n" + server.stderr());
                    assertEquals(LEVEL_II, b.level());
                    assertEquals(fid, b.persistentFileId());
                    held.close();
                    assertTrue(undelivered.isEmpty(), undelivered.toString());

                    ProcessHandle.of(other).orElseThrow().destroyForcibly();
                    await(server, "(?s).*\\(pid " + other + "\\) exited with status.*");
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (Files.exists(Endpoint.address(dir, other))) {
                        assertTrue(System.nanoTime() < deadline, "the master removes a dead worker's socket");
                        Thread.sleep(50);
                    }
                    third.send(other, BreakMessages.encode(toII, self));
                    String r = undelivered.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertNotNull(r, "no report of the message to the killed worker");
                    assertTrue(r.startsWith(other + " OPLOCK_BREAK no socket "), r);
                    assertEquals(1, third.dropped());
                }
                // the client's own worker is unaffected
                Open again = tree.create("f", READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, 0);
                again.close();
                assertNotEquals(serving, other);
            }
        }
    }

    /**
     * smbclient's {@code notify} waits on a directory through one worker; the Java client, placed in the other
     * worker (least-loaded placement), creates files in it: the changes reach smbclient through a NOTIFY message.
     * Files are created until one is seen, since a change made before the watch exists is not reported.
     */
    @Test
    void aChangeMadeInOneWorkerCompletesAChangeNotifyWaitingInTheOther() throws Exception {
        Server srv = start();
        Files.createDirectories(base.resolve("share").resolve("sub"));
        try (ChildProcess server = srv.process();
             // stdbuf: smbclient prints each change with printf, which a pipe would hold until it exits
             ChildProcess watcher = ChildProcess.command("smbclient-notify", new HashMap<>(), List.of("stdbuf", "-oL",
                     io.swrap.selftest.env.Smbclient.SMBCLIENT.toString(), "--configfile=/dev/null",
                     "//127.0.0.1/share", "-p", Integer.toString(srv.port()), "-U", SmbEnv.USER + "%"
                     + SmbEnv.PASSWORD, "--use-kerberos=off", "-m", "SMB3", "-c", "notify sub"))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (srv.passedTo().isEmpty()) {
                assertTrue(System.nanoTime() < deadline && watcher.alive(), "smbclient did not connect:\n"
                        + watcher.stderr() + "\nserver:\n" + server.stderr());
                Thread.sleep(50);
            }
            ClientConfig cfg = ClientConfig.of(SmbEnv.USER, SmbEnv.PASSWORD).withDialect(Smb2Dialect.SMB3_11);
            try (Session s = SmbClient.connect(new InetSocketAddress("127.0.0.1", srv.port()), cfg)) {
                Tree tree = s.treeConnect("share");
                List<Integer> slots = srv.passedTo();
                assertEquals(2, slots.size(), server.stderr());
                assertNotEquals(slots.get(0), slots.get(1), "the two clients are in two workers: " + slots);
                String seen = null;
                for (int i = 0; seen == null; i++) {
                    assertTrue(System.nanoTime() < deadline, "no change seen by smbclient: " + watcher.stdout()
                            + "\n" + watcher.stderr() + "\nserver:\n" + server.stderr());
                    tree.create("sub\\made-" + i, READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, 0)
                            .close();
                    Thread.sleep(300);
                    seen = watcher.stdout().stream().filter(l -> l.matches("0001 made-\\d+")).findFirst()
                            .orElse(null);
                }
            }
        }
    }

    @Test
    void crossWorkerBreakAndLockWaitWithTheSharedStore() throws Exception {
        Server srv = start(false);
        ClientConfig cfg = ClientConfig.of(SmbEnv.USER, SmbEnv.PASSWORD).withDialect(Smb2Dialect.SMB3_11);
        try (ChildProcess server = srv.process();
             Session a = SmbClient.connect(new InetSocketAddress("127.0.0.1", srv.port()), cfg);
             Session b = SmbClient.connect(new InetSocketAddress("127.0.0.1", srv.port()), cfg)) {
            Tree ta = a.treeConnect("share");
            Tree tb = b.treeConnect("share");
            List<Integer> slots = srv.passedTo();
            assertEquals(2, slots.size(), server.stderr());
            assertNotEquals(slots.get(0), slots.get(1), "two workers: " + slots);
            Open held = ta.create("f", READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, BATCH);
            assertEquals(BATCH, held.oplockLevel());
            long t0 = System.nanoTime();
            java.util.concurrent.CompletableFuture<Open> second = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return tb.create("f", READ_WRITE, SHARE_ALL, 3, FILE_NON_DIRECTORY_FILE, 0);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            OplockBreak br = a.awaitOplockBreak(Duration.ofSeconds(30));
            assertNotNull(br, "no break delivered across workers:\n" + server.stderr());
            held.close();
            Open o = second.get(30, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 20_000, "the second open waited " + ms + " ms");
            System.err.println("CROSS-WORKER break: level " + br.level() + ", second open after " + ms + " ms");

            Open la = ta.create("g", READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, 0);
            Open lb = tb.create("g", READ_WRITE, SHARE_ALL, 3, FILE_NON_DIRECTORY_FILE, 0);
            assertEquals(0, la.lock(0, 10, Open.EXCLUSIVE_LOCK));
            long t1 = System.nanoTime();
            io.swrap.smbclient.PendingLock waiting = lb.lockAsync(0, 10, Open.EXCLUSIVE_LOCK);
            Thread.sleep(1000);
            assertTrue(!waiting.status().isDone(), "b's lock waits on a's");
            assertEquals(0, la.lock(0, 10, Open.UNLOCK));
            int st = waiting.status().get(30, TimeUnit.SECONDS);
            System.err.println("CROSS-WORKER lock wake: status " + Integer.toHexString(st) + " after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1) + " ms");
            assertEquals(0, st, server.stderr());
            o.close();
            la.close();
            lb.close();
        }
    }

    /** Each slot's latest worker pid, from the master's "worker N started: pid P" lines. */
    private static Map<Integer, Long> workerPids(String log) {
        Map<Integer, Long> pids = new HashMap<>();
        Matcher m = Pattern.compile("worker (\\d+) started: pid (\\d+)").matcher(log);
        while (m.find()) {
            pids.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return pids;
    }

    private static void await(ChildProcess server, String regex) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!server.stderr().matches(regex)) {
            assertTrue(System.nanoTime() < deadline && server.alive(), "no log line matching " + regex + ":\n"
                    + server.stderr());
            Thread.sleep(100);
        }
    }
}
