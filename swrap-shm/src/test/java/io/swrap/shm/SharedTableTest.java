package io.swrap.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process: allocation, limits, field access, locking rules and the audit itself. */
class SharedTableTest {
    @TempDir
    Path dir;

    @Test
    void allocatesEveryRecordOnceThenReportsFullWithTheCallersSuffix() throws Exception {
        Path file = dir.resolve("t");
        try (SharedTable t = SharedTable.open(file, Layout.of(3, 16))) {
            Set<Integer> got = new HashSet<>();
            for (int k = 0; k < 3; k++) {
                assertTrue(got.add(t.allocate()));
            }
            assertEquals(Set.of(0, 1, 2), got);
            assertEquals(3, t.inUse());
            TableFullException full = assertThrows(TableFullException.class, () ->
                    t.allocate("too many wrapped sockets (limit 3, SOCKET_WRAPPER_MAX_SOCKETS)"));
            assertEquals(3, full.capacity());
            assertEquals(file + ": table full, all 3 records in use (capacity 3): too many"
                    + " wrapped sockets (limit 3, SOCKET_WRAPPER_MAX_SOCKETS)", full.getMessage());
            t.free(1);
            assertEquals(1, t.allocate());
            assertTrue(t.audit().clean(), t.audit()::toString);
        }
    }

    @Test
    void reusedRecordsAreZeroedAndDataSurvivesReopening() throws Exception {
        Path file = dir.resolve("t");
        Layout layout = Layout.of(2, 12);
        try (SharedTable t = SharedTable.open(file, layout)) {
            int i = t.allocate();
            t.record(i).fill((byte) 0x5a);
            t.free(i);
            assertEquals(i, t.allocate());
            assertArrayEquals(new byte[12], t.record(i).toArray(ValueLayout.JAVA_BYTE));
            t.setLongVolatile(i, 0, 77);
        }
        try (SharedTable t = SharedTable.open(file, layout)) {
            assertEquals(1, t.inUse());
            assertEquals(77, t.getLongVolatile(0, 0));
        }
    }

    @Test
    void refusesDoubleFreeAndIndicesOrOffsetsOutOfRange() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(3, 20))) {
            int i = t.allocate();
            t.free(i);
            IllegalStateException twice =
                    assertThrows(IllegalStateException.class, () -> t.free(i));
            assertEquals("record 0 is FREE (expected: IN_USE): freed twice, or never allocated?",
                    twice.getMessage());
            assertEquals("index: 3 (expected: 0..2)",
                    assertThrows(IndexOutOfBoundsException.class, () -> t.record(3)).getMessage());
            assertEquals("index: -1 (expected: 0..2)",
                    assertThrows(IndexOutOfBoundsException.class, () -> t.free(-1)).getMessage());
            assertEquals("offset: 16 (expected: a multiple of 8 in 0..12 for a 64-bit field of a"
                    + " 20-byte record)", assertThrows(IndexOutOfBoundsException.class,
                            () -> t.getLongVolatile(0, 16)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.setIntVolatile(0, 2, 1));
            t.setIntVolatile(0, 16, 5);
            assertEquals(5, t.getIntVolatile(0, 16));
            assertEquals(3, t.audit().freeListLength());
        }
    }

    @Test
    void atomicFieldsNeedNoLock() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(1, 16))) {
            int i = t.allocate();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int n = 0; n < 10_000; n++) {
                        t.getAndAddLong(i, 8, 1);
                        int seen;
                        do {
                            seen = t.getIntVolatile(i, 0);
                        } while (!t.compareAndSetInt(i, 0, seen, seen + 1));
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(40_000, t.getLongVolatile(i, 8));
            assertEquals(40_000, t.getIntVolatile(i, 0));
            assertFalse(t.compareAndSetLong(i, 8, 1, 2));
        }
    }

    @Test
    void lockIsReentrantWithinAThreadSoAllocateWorksInsideWithLock() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(4, 8))) {
            int[] got = t.withLock(() -> new int[] {t.allocate(), t.withLock(() -> t.allocate())});
            assertEquals(0, got[0]);
            assertEquals(1, got[1]);
            t.withLock(() -> t.free(got[0]));
            // Released completely: another thread can take it.
            AtomicReference<Integer> other = new AtomicReference<>();
            Thread.ofPlatform().start(() -> other.set(t.allocate())).join();
            assertEquals(0, other.get());
        }
    }

    @Test
    void refusesVirtualThreads() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(2, 8))) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    t.allocate();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }).join();
            IllegalStateException e = assertInstanceOf(thrown.get());
            assertTrue(e.getMessage().contains("virtual thread"), e.getMessage());
            assertTrue(e.getMessage().contains("platform thread"), e.getMessage());
            assertEquals(0, t.inUse());
            assertTrue(t.audit().clean());
        }
    }

    private static IllegalStateException assertInstanceOf(Throwable t) {
        return org.junit.jupiter.api.Assertions.assertInstanceOf(IllegalStateException.class, t);
    }

    @Test
    void closeRefusesWhileTheLockIsHeld() throws Exception {
        SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(2, 8));
        t.withLock(() -> assertTrue(assertThrows(IllegalStateException.class, t::close)
                .getMessage().contains("holds the table lock")));
        t.close();
        assertThrows(IllegalStateException.class, t::allocate);
    }

    @Test
    void auditFindsCorruption() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(4, 8))) {
            t.allocate();
            t.slots.setState(3, Slots.ALLOCATING);
            TableAudit audit = t.audit();
            assertFalse(audit.clean());
            assertTrue(audit.problems().contains("record 3 is on the free list but ALLOCATING"),
                    audit::toString);
            assertTrue(audit.problems().contains("record 3 is ALLOCATING outside an allocation"),
                    audit::toString);
            t.slots.setState(3, Slots.IN_USE);
            assertTrue(t.audit().problems().contains("header inUse: 1 (expected: 2, the records"
                    + " in state IN_USE)"), t.audit()::toString);
        }
    }

    @Test
    void auditFindsACycleInTheFreeList() throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(4, 8))) {
            t.slots.setNext(2, 1); // 0 -> 1 -> 2 -> 1 ...
            TableAudit audit = t.audit();
            assertTrue(audit.problems().contains(
                    "free list has a cycle: record 1 comes again after 3 entries"),
                    audit::toString);
            assertTrue(audit.problems().contains("record 3 is FREE but not on the free list"),
                    audit::toString);
        }
    }

    @Test
    void forEachInUseVisitsExactlyTheRecordsInUseAndMayFreeThem() throws Exception {
        // 5000 slots: a new table formats its free list in several chunks
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(5000, 16))) {
            assertTrue(t.audit().clean(), t.audit()::toString);
            List<Integer> taken = new ArrayList<>();
            for (int k = 0; k < 2000; k++) {
                taken.add(t.allocate());
            }
            for (int k = 0; k < 2000; k += 3) {
                t.free(taken.get(k));
            }
            List<Integer> expected = new ArrayList<>();
            for (int k = 0; k < 2000; k++) {
                if (k % 3 != 0) {
                    expected.add(taken.get(k));
                }
            }
            expected.sort(null);
            List<Integer> seen = new ArrayList<>();
            t.withLock(() -> t.forEachInUse(seen::add));
            assertEquals(expected, seen);

            t.withLock(() -> t.forEachInUse(i -> {
                if (i % 2 == 0) {
                    t.free(i);
                }
            }));
            List<Integer> odd = new ArrayList<>();
            t.withLock(() -> t.forEachInUse(odd::add));
            assertEquals(expected.stream().filter(i -> i % 2 != 0).toList(), odd);
            assertEquals(odd.size(), t.inUse());
            assertTrue(t.audit().clean(), t.audit()::toString);
        }
    }
}
