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
import io.swrap.smb.prefork.SharedChangeSequence;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.NotifyMessages;
import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OplockBreak;
import io.swrap.smbclient.RawSession;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * reported undeliverable (its socket removed by the master), and the client's worker still serves it. A change
 * made in one worker completes a CHANGE_NOTIFY in the other, but never one armed after the change was made.
 */
class PreforkMessagingIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int BATCH = 0x09;
    private static final int LEVEL_II = 0x01;
    private static final int READ_WRITE = 0xC0000000;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OVERWRITE_IF = 5;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;
    private static final int FILE_DIRECTORY_FILE = 0x1;
    private static final int FILE_LIST_DIRECTORY = 0x1;
    private static final int FILE_OPEN = 1;
    private static final int FILE_CREATE = 2;

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

    /**
     * A change reaches a watch in another worker only when it was made after that watch was armed. smb2.notify.mask
     * creates a file through one connection and only then arms a watch through another: the change's message may
     * reach the watch's worker after that, and must not complete the watch. That lateness cannot be forced on the
     * real message, so the test, as a third worker, sends the watching worker the message the changing worker sent,
     * with the number that change took, again after the watch is armed (and, as a control that the message is
     * well-formed and names the watched directory, one taking a fresh number); then a real change made after the
     * watch was armed reaches it from the other worker.
     */
    @Test
    void aChangeMadeInAnotherWorkerBeforeAWatchWasArmedNeverReachesItOneMadeAfterDoes() throws Exception {
        Server srv = start();
        Path sub = Files.createDirectories(base.resolve("share").resolve("sub")).toRealPath();
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", srv.port());
        try (ChildProcess server = srv.process();
             RawSession watcher = RawSession.open(addr, SmbEnv.USER, SmbEnv.PASSWORD, "share", Smb2Dialect.SMB2_10,
                     false, (int) WAIT.toMillis());
             RawSession changer = RawSession.open(addr, SmbEnv.USER, SmbEnv.PASSWORD, "share", Smb2Dialect.SMB2_10,
                     false, (int) WAIT.toMillis());
             SharedChangeSequence numbers = SharedChangeSequence.open(srv.dir())) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (srv.passedTo().size() < 2) {
                assertTrue(System.nanoTime() < deadline, "two connections passed:\n" + server.stderr());
                Thread.sleep(50);
            }
            List<Integer> slots = srv.passedTo();
            assertEquals(2, slots.size(), server.stderr());
            assertNotEquals(slots.get(0), slots.get(1), "the two connections are in two workers: " + slots);
            long watching = srv.pids().get(slots.get(0));
            long changing = srv.pids().get(slots.get(1));

            byte[] dir = watcher.create("sub", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE);
            long before = numbers.current();
            byte[] early = changer.create("sub\\early", READ_WRITE, FILE_CREATE, FILE_NON_DIRECTORY_FILE);
            long earlyNumber = numbers.current();
            assertTrue(earlyNumber > before, "the CREATE took a change number before it was answered");
            changer.closeFile(early);

            long armed = notify(watcher, dir); // the handle's first CHANGE_NOTIFY arms its watch ...
            cancel(watcher, armed); // ... which stays armed, as in smb2.notify.mask
            try (Endpoint third = Endpoint.open(srv.dir(), ProcessHandle.current().pid(), MessagingLimits.DEFAULTS,
                    msg -> null, (pid, msg, why) -> { })) {
                for (io.swrap.smb.ipc.Message m : NotifyMessages.changes(earlyNumber, List.of(added(sub, "early")),
                        changing)) {
                    assertTrue(third.send(watching, m));
                }
                for (io.swrap.smb.ipc.Message m : NotifyMessages.changes(numbers.next(), List.of(added(sub,
                        "control")), changing)) {
                    assertTrue(third.send(watching, m));
                }
                assertEquals(List.of("1 control"), changes(watcher, notify(watcher, dir)),
                        "the late message of the change made before the watch was armed is ignored:\n"
                                + server.stderr());
            }

            long waiting = notify(watcher, dir);
            changer.closeFile(changer.create("sub\\late", READ_WRITE, FILE_CREATE, FILE_NON_DIRECTORY_FILE));
            assertEquals(List.of("1 late"), changes(watcher, waiting), "the change worker " + changing
                    + " made after the watch was armed reaches worker " + watching + ":\n" + server.stderr());
            watcher.closeFile(dir);
        }
    }

    private static ChangeNotify.Change added(Path dir, String name) {
        return new ChangeNotify.Change(dir.resolve(name), ChangeNotify.FILE_ACTION_ADDED,
                ChangeNotify.FILE_NOTIFY_CHANGE_FILE_NAME);
    }

    /** Sends a CHANGE_NOTIFY for file names on {@code dir} and returns its MessageId once the server has it waiting. */
    private static long notify(RawSession s, byte[] dir) throws java.io.IOException {
        byte[] m = s.message(Smb2Command.CHANGE_NOTIFY, RawSession.body(32).putShort((short) 32).putShort((short) 0)
                .putInt(4096).put(dir).putInt(ChangeNotify.FILE_NOTIFY_CHANGE_FILE_NAME).putInt(0).array());
        long id = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        s.sendFrame(m);
        return id;
    }

    /** CANCEL of the waiting request {@code id} (sync form: its MessageId); it ends with STATUS_CANCELLED. */
    private static void cancel(RawSession s, long id) throws java.io.IOException {
        RawSession.Message interim = s.read();
        assertTrue(interim.interim() && interim.messageId() == id, "the CHANGE_NOTIFY waits: " + interim);
        byte[] c = s.template(Smb2Command.CANCEL, RawSession.body(4).putShort((short) 4).array());
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(24, id).putShort(6, (short) 0);
        s.sendFrame(c);
        assertEquals(NtStatus.CANCELLED, s.await(id).status());
    }

    /** The final answer to CHANGE_NOTIFY {@code id}: "action name" per FILE_NOTIFY_INFORMATION. */
    private static List<String> changes(RawSession s, long id) throws java.io.IOException {
        RawSession.Message r = s.await(id);
        assertEquals(NtStatus.SUCCESS, r.status(), r.toString());
        ByteBuffer b = r.le();
        int at = b.getShort(64 + 2) & 0xFFFF;
        int length = b.getInt(64 + 4);
        List<String> out = new java.util.ArrayList<>();
        for (int next = 1; next != 0 && length > 0; at += next) {
            next = b.getInt(at);
            byte[] name = new byte[b.getInt(at + 8)];
            b.get(at + 12, name);
            out.add(b.getInt(at + 4) + " " + new String(name, java.nio.charset.StandardCharsets.UTF_16LE));
        }
        return out;
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
