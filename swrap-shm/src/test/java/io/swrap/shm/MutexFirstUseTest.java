package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new table's mutex is initialised by its first locker, not by its creator (creating a table
 * links no FFM downcall): the state word in the header says who, and a locker waits for a live
 * initialiser and takes over from a dead one.
 */
class MutexFirstUseTest {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final Layout LAYOUT = Layout.of(16, 8);

    @TempDir
    Path dir;

    @Test
    void theCreatorLeavesTheMutexToTheFirstLocker() throws Exception {
        Path file = dir.resolve("t");
        try (SharedTable table = SharedTable.open(file, LAYOUT); Arena arena = Arena.ofShared()) {
            MemorySegment header = header(file, arena);
            assertEquals(RobustMutex.STATE_NEW, state(header), "state word of a table no one has locked");
            assertEquals(-1L, header.asSlice(Header.MUTEX_OFFSET, RobustMutex.SIZE).mismatch(
                    arena.allocate(RobustMutex.SIZE)), "the creator wrote no mutex bytes");
            assertEquals(0, table.allocate());
            assertEquals(RobustMutex.STATE_READY, state(header), "state word after the first lock");
            try (SharedTable again = SharedTable.open(file, LAYOUT)) {
                // attaching leaves an initialised mutex alone; the record allocated above is still there
                assertEquals(1, again.allocate());
            }
        }
    }

    @Test
    void aLockerTakesOverFromAnInitialiserThatDied() throws Exception {
        Path file = dir.resolve("t");
        Process dead = new ProcessBuilder("true").start();
        assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
        try (SharedTable table = SharedTable.open(file, LAYOUT); Arena arena = Arena.ofShared()) {
            MemorySegment header = header(file, arena);
            // a process that died between claiming the state word and finishing pthread_mutex_init
            INT.setVolatile(header, Header.MUTEX_STATE_OFFSET, (int) dead.pid());
            assertEquals(0, table.allocate());
            assertEquals(RobustMutex.STATE_READY, state(header));
            assertTrue(table.audit().problems().isEmpty(), table.audit().toString());
        }
    }

    @Test
    void aLockerWaitsForALiveInitialiser() throws Exception {
        Path file = dir.resolve("t");
        Process initialiser = new ProcessBuilder("sleep", "60").start();
        try (SharedTable table = SharedTable.open(file, LAYOUT); Arena arena = Arena.ofShared()) {
            MemorySegment header = header(file, arena);
            INT.setVolatile(header, Header.MUTEX_STATE_OFFSET, (int) initialiser.pid());
            long start = System.nanoTime();
            // the live process finishes its initialisation 300 ms later (done here in its stead)
            Thread finisher = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                RobustMutex.initialize(header.asSlice(Header.MUTEX_OFFSET, RobustMutex.SIZE), file.toString());
                INT.setVolatile(header, Header.MUTEX_STATE_OFFSET, RobustMutex.STATE_READY);
            });
            assertEquals(0, table.allocate());
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            finisher.join();
            assertTrue(waitedMs >= 290, "the lock was taken after " + waitedMs
                    + " ms, before the live initialiser was done (300 ms)");
            assertFalse(waitedMs > RobustMutex.INIT_WAIT_SECONDS * 1000L, "waited " + waitedMs + " ms");
            assertEquals(RobustMutex.STATE_READY, state(header));
        } finally {
            initialiser.destroyForcibly().waitFor();
        }
    }

    private static MemorySegment header(Path file, Arena arena) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, Header.SIZE, arena);
        }
    }

    private static int state(MemorySegment header) {
        return (int) INT.getVolatile(header, Header.MUTEX_STATE_OFFSET);
    }
}
