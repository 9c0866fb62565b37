package io.swrap.agent.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.net.SocketName;
import io.swrap.shm.SharedTable;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared table within one process; the cross-process behaviour is in selftest's TableIT and FdPassingIT. */
class SocketTableTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void theLastReleaseFreesTheRecordAndUnlinksItsName() throws Exception {
        SocketTable t = SocketTable.open(dir, 16);
        Handle h = t.create(1000, true, false);
        SocketName name = new SocketName('T', 11, 7000);
        Files.createFile(dir.resolve(name.fileName()));
        t.bound(h, name, new InetSocketAddress("127.0.0.11", 7000), false);
        assertEquals(new InetSocketAddress("127.0.0.11", 7000), t.localAddress(h));
        assertNull(t.peerAddress(h));
        assertTrue(t.listener(h));
        assertTrue(t.sameSocket(h, 42), "the first pass records the inode");
        assertFalse(t.sameSocket(h, 43), "another socket behind the same number");

        assertTrue(t.attach(1001, h.index(), 42, PID), "a second descriptor of the same socket");
        t.release(1000);
        assertTrue(Files.exists(dir.resolve(name.fileName())), "still held by fd 1001");
        t.release(1001);
        assertFalse(Files.exists(dir.resolve(name.fileName())), "unlinked with the last reference");
        assertEquals(0, TableSnapshot.read(dir).sockets().size());
        assertFalse(t.attach(1002, h.index(), 42, PID), "a freed record cannot be attached");
    }

    @Test
    void aFullTableNamesTheLimit() throws Exception {
        SocketTable t = SocketTable.open(dir, 2);
        t.create(1000, false, false);
        t.create(1001, false, false);
        SocketException e = assertThrows(SocketException.class, () -> t.create(1002, false, false));
        assertEquals("Too many open files in system: too many wrapped sockets (limit 2,"
                + " SOCKET_WRAPPER_MAX_SOCKETS)", e.getMessage());
        t.release(1000);
        t.create(1002, false, false);
    }

    @Test
    void virtualThreadsChangeRecordsThroughAPlatformThread() throws Exception {
        SocketTable t = SocketTable.open(dir, 64);
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int v = 0; v < 32; v++) {
            int fd = 2000 + v;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        Handle h = t.create(fd, false, true);
                        t.connected(h, new InetSocketAddress("fd00::5357:5f0b", 445));
                        t.release(fd);
                    }
                } catch (SocketException | RuntimeException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(0, failures.get());
        assertEquals(0, t.size());
        assertTrue(TableSnapshot.read(dir).audit().clean());
    }

    @Test
    void recordsOnlyDeadProcessesHoldAreReclaimed() throws Exception {
        SocketTable t = SocketTable.open(dir, 8);
        Handle mine = t.create(1000, false, false);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (SharedTable raw = SharedTable.open(dir.resolve(SocketTable.FILE_NAME), SocketTable.layout(8))) {
            int i = raw.allocate();
            raw.withLock(() -> {
                Records.addRefs(raw.record(i), (int) gone.pid(), 1);
                // shared with a live process too: only the dead owner goes
                int j = raw.allocate();
                Records.addRefs(raw.record(j), (int) gone.pid(), 2);
                Records.addRefs(raw.record(j), PID, 1);
            });
        }
        assertEquals(1, t.reclaim(), "the record only the dead process held");
        TableSnapshot s = TableSnapshot.read(dir);
        assertEquals(2, s.sockets().size(), s.sockets().toString());
        for (SocketView v : s.sockets()) {
            assertEquals(List.of(new SocketView.Owner(PID, 1, true)), v.owners(), "only the live owner stays: " + v);
        }
        assertEquals(0, t.reclaim());
        t.release(1000);
        assertEquals(mine.index(), t.create(1001, false, false).index(), "the freed record is reused first");
    }

    /**
     * The start-up sweep waits for this process's first locked section (so that opening the table
     * needs no lock): a dead process's record is gone before the first socket is recorded, and
     * the name sweep runs once.
     */
    @Test
    void deadProcessesAreSweptBeforeTheFirstLockedSectionOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (SharedTable raw = SharedTable.open(dir.resolve(SocketTable.FILE_NAME), SocketTable.layout(8))) {
            raw.withLock(() -> {
                Records.addRefs(raw.record(raw.allocate()), (int) gone.pid(), 1);
            });
        }
        SocketTable t = SocketTable.open(dir, 8);
        AtomicInteger nameSweeps = new AtomicInteger();
        t.sweepAtFirstLock(nameSweeps::incrementAndGet);
        assertEquals(0, nameSweeps.get(), "opening the table sweeps nothing");
        assertEquals(1, TableSnapshot.read(dir).sockets().size(), "the dead process's record before the first socket");
        t.create(1000, false, false);
        assertEquals(1, nameSweeps.get());
        List<SocketView> left = TableSnapshot.read(dir).sockets();
        assertEquals(List.of(new SocketView.Owner(PID, 1, true)), left.get(0).owners(), "only this process's socket: " + left);
        assertEquals(1, left.size(), left.toString());
        t.create(1001, false, false);
        t.release(1000);
        t.release(1001);
        assertEquals(1, nameSweeps.get(), "the sweep runs once per process");
    }
}
