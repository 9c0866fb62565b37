package io.swrap.smbclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.state.ServerState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking LOCKs woken by another client's unlock while they are canceled or their handles close. The
 * unlock runs on the unlocking client's event loop; a waiting lock must be retried on its owner's loop,
 * where CANCEL and close run, and only while it still waits: otherwise it is granted after its CANCEL was
 * answered (the client holds a lock it was told it did not get) or to a handle that has already released
 * its locks (a lock nobody can release, which every later lock of the range runs into). Server and two clients in this JVM on 127.0.0.1, over
 * real connections: the two sessions are accepted one after the other and so land on different event
 * loops of the server (Netty hands accepted channels to its loops in turn; the clients of one address share
 * a loop unless {@code smbserver:client address affinity = no}, which this test sets).
 */
class BlockingLockRaceTest {
    /** Handles of the waiting client per round: their retries run back to back, each a chance to race its close. */
    private static final int WAITERS = 16;
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void aWokenLockIsGrantedOnlyWhileItStillWaits() throws Exception {
        Files.createDirectories(dir.resolve("share"));
        new SmbPasswdFile(dir.resolve("smbpasswd")).addUser("alice", 1000, "secret", 0);
        int port = freePort();
        String conf = "[global]\ninterfaces = 127.0.0.1\nsmb ports = " + port + "\nsmb passwd file = smbpasswd\n"
                + "smbserver:client address affinity = no\n"
                + "[share]\npath = share\nread only = no\n";
        SmbServer server = SmbServer.start(new ServerState(SmbConfParser.parse("test.conf", conf, dir)));
        ExecutorService closers = Executors.newFixedThreadPool(WAITERS + 1);
        try (Session a = SmbClient.connect(addr(port), ClientConfig.of("alice", "secret"));
                Session b = SmbClient.connect(addr(port), ClientConfig.of("alice", "secret"))) {
            Tree ta = a.treeConnect("share");
            Tree tb = b.treeConnect("share");
            long end = System.nanoTime() + BOUND.toNanos();
            int rounds = 0;
            while (System.nanoTime() < end) {
                String name = "race" + rounds + ".bin";
                try (Open holder = tb.open(name, OpenMode.OVERWRITE)) {
                    assertEquals(NtStatus.SUCCESS, holder.lock(0, 1, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY),
                            "round " + rounds + ": the first lock of a new file");
                    List<Open> waiting = new ArrayList<>();
                    List<PendingLock> locks = new ArrayList<>();
                    for (int i = 0; i < WAITERS; i++) {
                        Open o = ta.open(name, OpenMode.OVERWRITE);
                        waiting.add(o);
                        locks.add(o.lockAsync(0, 1, Open.SHARED_LOCK));
                    }
                    a.echo(); // answered after the LOCKs before it on that connection: all of them wait now
                    List<Future<?>> done = new ArrayList<>();
                    done.add(closers.submit(() -> {
                        assertEquals(NtStatus.SUCCESS, holder.lock(0, 1, Open.UNLOCK), "unlock");
                        return null;
                    }));
                    // the first half of the waits is canceled, the handles of the second half close
                    for (int i = 0; i < WAITERS / 2; i++) {
                        locks.get(i).cancel();
                    }
                    for (Open o : waiting.subList(WAITERS / 2, WAITERS)) {
                        done.add(closers.submit(() -> {
                            o.close();
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
                    }
                    for (int i = 0; i < WAITERS; i++) {
                        int status = locks.get(i).status().get(WAIT_SECONDS, TimeUnit.SECONDS);
                        Set<Integer> expected = i < WAITERS / 2 ? Set.of(NtStatus.SUCCESS, NtStatus.CANCELLED)
                                : Set.of(NtStatus.SUCCESS, NtStatus.RANGE_NOT_LOCKED);
                        assertTrue(expected.contains(status), "round " + rounds + ": waiting lock " + i
                                + " ended with " + NtStatus.name(status));
                        if (i < WAITERS / 2) {
                            // a canceled wait holds nothing; a granted one holds its lock
                            int unlock = waiting.get(i).lock(0, 1, Open.UNLOCK);
                            assertEquals(NtStatus.name(status == NtStatus.SUCCESS ? NtStatus.SUCCESS
                                    : NtStatus.RANGE_NOT_LOCKED), NtStatus.name(unlock), "round " + rounds
                                    + ": unlocking on handle " + i + " whose LOCK ended with " + NtStatus.name(status));
                            waiting.get(i).close();
                        }
                    }
                    // every handle of the waiting client is closed: no lock of it may be left on the range
                    int status = holder.lock(0, 1, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY);
                    assertEquals(NtStatus.name(NtStatus.SUCCESS), NtStatus.name(status), "round " + rounds
                            + ": locking the range again after all " + WAITERS + " waiting handles closed");
                }
                rounds++;
            }
            assertTrue(rounds > 0, "no round ran within " + BOUND);
        } finally {
            closers.shutdownNow();
            server.close();
        }
    }

    private static InetSocketAddress addr(int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
