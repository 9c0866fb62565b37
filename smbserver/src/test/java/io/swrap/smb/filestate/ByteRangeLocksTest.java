package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** [MS-FSA] 2.1.5.7 / 2.1.4.10 rules as Windows applies them (Samba's brl_overlap), and waiters woken by message. */
class ByteRangeLocksTest {
    private static final FileKey F = new FileKey(1, 1);
    private final OwnerId a = new OwnerId(0, 0, 1, 1);
    private final OwnerId b = new OwnerId(0, 0, 2, 2);
    private final Messenger messenger = new Messenger();
    private final FileStore store = store(messenger);
    private final ByteRangeLocks l = store.locks();

    /** The store under test: this process's heap; {@link ShmByteRangeLocksTest} runs the same on shared memory. */
    FileStore store(Messenger m) {
        return new FileStore(m, true);
    }

    @Test
    void exclusiveAndSharedConflicts() {
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 0, 10, false)));
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 5, 10, false)), "shared locks stack");
        assertFalse(l.tryLock(F, new ByteRangeLocks.Lock(b, 9, 1, true)), "exclusive over a shared one");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 15, 5, true)), "adjacent ranges do not overlap");
        assertTrue(l.conflicts(F, a, 16, 1, false), "read inside another's exclusive lock");
        assertFalse(l.conflicts(F, b, 16, 1, false), "own exclusive lock");
        assertTrue(l.conflicts(F, a, 0, 1, true), "write under a shared lock, even one's own");
        assertFalse(l.conflicts(F, a, 0, 0, true), "zero-byte I/O touches nothing");
        assertFalse(l.conflicts(new FileKey(1, 2), a, 16, 1, false), "another inode");
    }

    @Test
    void zeroLengthLocksConflictOnlyStrictlyInside() {
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 10, 10, true)));
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 10, 0, true)), "at the start");
        assertFalse(l.tryLock(F, new ByteRangeLocks.Lock(b, 15, 0, true)), "inside");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(b, 20, 0, true)), "at the end");
        assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, -1L, 1, true)), "the last byte of 2^64");
    }

    @Test
    void unlockWakesWaitersOnTheirOwnLoop() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            assertTrue(l.tryLock(F, new ByteRangeLocks.Lock(a, 0, 10, true)));
            CountDownLatch woken = new CountDownLatch(1);
            Thread[] ranOn = new Thread[1];
            ByteRangeLocks.Lock want = new ByteRangeLocks.Lock(b, 0, 10, true);
            Waiter w = loop.submit(() -> messenger.park(loop, () -> {
                ranOn[0] = Thread.currentThread();
                woken.countDown();
            })).get(10, TimeUnit.SECONDS);
            assertFalse(l.lockOrWait(F, want, w), "blocked: the waiter stays in the record");
            assertFalse(l.unlock(F, b, 0, 10), "only the owner unlocks");
            assertTrue(l.unlock(F, a, 0, 10));
            assertTrue(woken.await(10, TimeUnit.SECONDS), "woken by the unlock");
            assertEquals(loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS), ranOn[0],
                    "the wake-up ran on the loop that parked it, not on the unlocking thread");
            assertTrue(l.tryLock(F, want));
            assertEquals(0, messenger.parkedCount());
            l.releaseAll(F, b);
            assertEquals(0, store.size(), "nothing left in the record: it goes");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
