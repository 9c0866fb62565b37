package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** [MS-FSA] 2.1.5.7 / 2.1.4.10 rules as Windows applies them (Samba's brl_overlap). */
class ByteRangeLocksTest {
    private static final Path F = Path.of("/f");
    private final Object a = new Object();
    private final Object b = new Object();

    @Test
    void exclusiveAndSharedConflicts() {
        ByteRangeLocks l = new ByteRangeLocks();
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 0, 10, false)));
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 5, 10, false)), "shared locks stack");
        assertFalse(l.tryLock(F, new ByteRangeLocks.Lock(b, 9, 1, true)), "exclusive over a shared one");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 15, 5, true)), "adjacent ranges do not overlap");
        assertTrue(l.conflicts(F, a, 16, 1, false), "read inside another's exclusive lock");
        assertFalse(l.conflicts(F, b, 16, 1, false), "own exclusive lock");
        assertTrue(l.conflicts(F, a, 0, 1, true), "write under a shared lock, even one's own");
        assertFalse(l.conflicts(F, a, 0, 0, true), "zero-byte I/O touches nothing");
    }

    @Test
    void zeroLengthLocksConflictOnlyStrictlyInside() {
        ByteRangeLocks l = new ByteRangeLocks();
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 10, 10, true)));
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 10, 0, true)), "at the start");
        assertFalse(l.tryLock(F, new ByteRangeLocks.Lock(b, 15, 0, true)), "inside");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 20, 0, true)), "at the end");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, -1L, 1, true)), "the last byte of 2^64");
    }

    @Test
    void unlockWakesWaiters() {
        ByteRangeLocks l = new ByteRangeLocks();
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 0, 10, true)));
        AtomicInteger woken = new AtomicInteger();
        l.addWaiter(F, woken::incrementAndGet);
        assertFalse(l.unlock(F, b, 0, 10), "only the owner unlocks");
        assertTrue(l.unlock(F, a, 0, 10));
        assertTrue(woken.get() == 1);
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 0, 10, true)));
    }
}
