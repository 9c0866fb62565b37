package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Repair in one process: a platform thread stops at a step of an allocation or a free and
 * ends still holding the lock, which the kernel reports to the next locker as EOWNERDEAD
 * exactly as for a killed process (the cross-process version is {@link CrossProcessTest}).
 */
class RepairTest {
    @TempDir
    Path dir;

    /** Thrown by the probe to leave allocate/free at a step, lock still held. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    @ParameterizedTest
    @EnumSource(Slots.Step.class)
    void aHolderThatDiesAtAnyStepIsRepairedByTheNextLocker(Slots.Step step) throws Exception {
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(4, 16))) {
            int kept = t.allocate();
            t.setLongVolatile(kept, 8, 42);
            int victim = t.allocate();
            Thread.ofPlatform().start(() -> {
                t.lock(); // never unlocked: the thread ends owning the mutex
                t.slots.probe = (reached, index) -> {
                    if (reached == step) {
                        throw new Stop();
                    }
                };
                try {
                    if (step.compareTo(Slots.Step.FREE_MARKED) >= 0) {
                        t.slots.free(victim);
                    } else {
                        t.slots.allocate();
                    }
                } catch (Stop expected) {
                    // Left half-done on purpose.
                }
            }).join();
            t.slots.probe = Slots.Probe.NONE;
            boolean consistent = step == Slots.Step.IN_USE_MARKED
                    || step == Slots.Step.UNCOUNTED;
            assertEquals(consistent, t.slots.audit().clean(),
                    () -> "before repair: " + t.slots.audit());

            TableAudit repaired = t.audit();
            assertTrue(repaired.clean(), repaired::toString);
            assertEquals(1, repaired.repairs());
            int expectedInUse = switch (step) {
                case IN_USE_MARKED -> 3; // finished but for the unlock: kept (KEEP_ALL hook)
                case FREE_MARKED, LINKED, UNCOUNTED -> 1;
                default -> 2;
            };
            assertEquals(expectedInUse, repaired.inUse());
            assertEquals(42, t.getLongVolatile(kept, 8));
            while (t.inUse() < t.capacity()) {
                t.allocate();
            }
            assertTrue(t.audit().clean());
        }
    }

    @Test
    void theRepairHookCanFreeRecordsAndFixFields() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RecordRepair hook = (index, payload) -> {
            asked.incrementAndGet();
            payload.set(JAVA_LONG, 8, 7); // stands for finishing a half-done update
            return payload.get(JAVA_LONG, 0) != 0; // an owner is recorded: keep it
        };
        try (SharedTable t = SharedTable.open(dir.resolve("t"), Layout.of(4, 16), hook)) {
            int owned = t.allocate();
            t.setLongVolatile(owned, 0, 1);
            int orphan = t.allocate();
            Thread.ofPlatform().start(t::lock).join();
            assertEquals(0, asked.get());

            TableAudit audit = t.audit();
            assertEquals(2, asked.get());
            assertTrue(audit.clean(), audit::toString);
            assertEquals(1, audit.inUse());
            assertEquals(7, t.getLongVolatile(owned, 8));
            assertEquals(Slots.FREE, t.slots.state(orphan));

            // reclaim() runs the same hook without a death, for owners that died unlocked.
            int another = t.allocate();
            assertEquals(1, t.reclaim());
            assertEquals(Slots.FREE, t.slots.state(another));
            assertEquals(1, t.inUse());
            assertEquals(1, t.audit().repairs());
        }
    }

    @Test
    void aFailedRepairLeavesTheTableUnrecoverableForEveryone() throws Exception {
        Path file = dir.resolve("t");
        RecordRepair broken = (index, payload) -> {
            throw new IllegalArgumentException("hook bug on record " + index);
        };
        try (SharedTable t = SharedTable.open(file, Layout.of(2, 8), broken);
                SharedTable other = SharedTable.open(file, Layout.of(2, 8))) {
            t.allocate();
            Thread.ofPlatform().start(t::lock).join();
            IllegalStateException failed = assertThrows(IllegalStateException.class, t::audit);
            assertEquals(file + ": a process died holding the table lock and the repair failed;"
                    + " the table is now unusable for every process: stop them, delete the file"
                    + " and start again", failed.getMessage());
            assertEquals("hook bug on record 0", failed.getCause().getMessage());
            for (SharedTable either : new SharedTable[] {t, other}) {
                String later = assertThrows(IllegalStateException.class, either::allocate)
                        .getMessage();
                assertTrue(later.startsWith(file + ": pthread_mutex_lock returned"
                        + " ENOTRECOVERABLE"), later);
                assertTrue(later.contains("delete it"), later);
            }
        }
    }
}
