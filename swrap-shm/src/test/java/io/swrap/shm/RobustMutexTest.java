package io.swrap.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The mutex on its own, in memory of this process: ownership rules and robustness. */
class RobustMutexTest {

    @Test
    void refusesVirtualThreadsBeforeCallingPthread() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            RobustMutex mutex = newMutex(arena);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    mutex.lock();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }).join();
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(e.getMessage().startsWith("test-mutex: the shared table lock was requested"
                    + " on a virtual thread"), e.getMessage());
            // Not left locked: a platform thread gets it at once.
            assertFalse(mutex.lock());
            mutex.unlock();
        }
    }

    @Test
    void errorCheckingTurnsMisuseIntoExceptions() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            RobustMutex mutex = newMutex(arena);
            assertFalse(mutex.lock());
            assertEquals("test-mutex: pthread_mutex_lock failed: EDEADLK (this thread already owns"
                    + " the mutex) (35)", assertThrows(IllegalStateException.class, mutex::lock)
                    .getMessage());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread.ofPlatform().start(() -> {
                try {
                    mutex.unlock();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }).join();
            assertEquals("test-mutex: pthread_mutex_unlock failed: EPERM (this thread does not own"
                    + " the mutex) (1)", thrown.get().getMessage());
            mutex.unlock();
        }
    }

    @Test
    void aThreadThatEndsHoldingTheLockHandsOwnerDeadToTheNext() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            RobustMutex mutex = newMutex(arena);
            Thread.ofPlatform().start(mutex::lock).join();
            assertTrue(mutex.lock(), "EOWNERDEAD expected after the owner thread ended");
            mutex.consistent();
            mutex.unlock();
            assertFalse(mutex.lock());
            mutex.unlock();
        }
    }

    @Test
    void unlockWithoutConsistentMakesItUnrecoverable() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            RobustMutex mutex = newMutex(arena);
            Thread.ofPlatform().start(mutex::lock).join();
            assertTrue(mutex.lock());
            mutex.unlock();
            String message = assertThrows(IllegalStateException.class, mutex::lock).getMessage();
            assertTrue(message.startsWith("test-mutex: pthread_mutex_lock returned"
                    + " ENOTRECOVERABLE"), message);
            assertTrue(message.contains("delete it"), message);
        }
    }

    private static RobustMutex newMutex(Arena arena) {
        MemorySegment memory = arena.allocate(RobustMutex.SIZE, 8);
        RobustMutex.initialize(memory, "test-mutex");
        return new RobustMutex(memory, "test-mutex");
    }
}
