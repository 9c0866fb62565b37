package io.swrap.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs ({@link TableChild}) sharing one file with this one. */
class CrossProcessTest {
    private static final int CAPACITY = 16;
    private static final int RECORD_SIZE = 32;

    @TempDir
    Path dir;

    private String[] args(String mode, Path file, Object... more) {
        List<String> all = new ArrayList<>(List.of(mode, file.toString(),
                String.valueOf(CAPACITY), String.valueOf(RECORD_SIZE)));
        for (Object o : more) {
            all.add(String.valueOf(o));
        }
        return all.toArray(String[]::new);
    }

    @Test
    void recordsWrittenByOneProcessAreReadByAnother() throws Exception {
        Path file = dir.resolve("shared");
        try (SharedTable table = SharedTable.open(file, TableChild.layout(CAPACITY, RECORD_SIZE),
                TableChild.OWNER_ALIVE)) {
            StringBuilder mine = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                int i = TableChild.allocateOwned(table);
                table.setLongVolatile(i, 8, 5000L + i);
                mine.append(k == 0 ? "" : ",").append(i);
            }
            try (Child reader = Child.start(args("read", file, mine, 5000))) {
                assertEquals("READ OK 3", reader.awaitLine("READ"));
                reader.assertExitsCleanly();
            }
            try (Child writer = Child.start(args("write", file, 4))) {
                String[] wrote = writer.awaitLine("WROTE").split(" ");
                writer.assertExitsCleanly();
                assertEquals(5, wrote.length);
                for (int k = 1; k < wrote.length; k++) {
                    int i = Integer.parseInt(wrote[k]);
                    assertEquals(1000L + i, table.getLongVolatile(i, 8));
                    assertEquals(writer.pid(), table.getLongVolatile(i, 0));
                }
            }
            assertEquals(7, table.inUse());
            // The writer exited without freeing: its records are reclaimed by pid.
            assertEquals(4, table.reclaim());
            TableAudit audit = table.audit();
            assertTrue(audit.clean(), audit::toString);
            assertEquals(3, audit.inUse());
            assertEquals(0, audit.repairs());
        }
    }

    /**
     * Each round a child takes the lock and stops at one step of an allocation or a free (or
     * just holds it), is SIGKILLed, and the next locker — this JVM or a fresh child, in turn —
     * must get EOWNERDEAD, repair, and find a clean table whose live record is intact.
     */
    @Test
    void killingTheLockHolderMidOperationIsRepairedByTheNextLocker() throws Exception {
        Path file = dir.resolve("killed");
        List<String> steps = new ArrayList<>(List.of("LOCKED"));
        Arrays.stream(Slots.Step.values()).map(Enum::name).forEach(steps::add);
        int rounds = 3 * steps.size();
        try (SharedTable table = SharedTable.open(file, TableChild.layout(CAPACITY, RECORD_SIZE),
                TableChild.OWNER_ALIVE)) {
            int mine = TableChild.allocateOwned(table);
            table.setLongVolatile(mine, 8, 42);
            for (int round = 0; round < rounds; round++) {
                String step = steps.get(round % steps.size());
                try (Child holder = Child.start(args("hold", file, step))) {
                    int index = Integer.parseInt(holder.awaitLine("LOCKED ").substring(7));
                    assertHalfDone(table, step, index);
                    holder.kill();
                }
                int repairs = round + 1;
                if (round % 2 == 0) {
                    TableAudit audit = table.audit();
                    assertTrue(audit.clean(), () -> step + ": " + audit);
                    assertEquals(repairs, audit.repairs(), step);
                    assertEquals(1, audit.inUse(), step);
                    table.free(table.allocate());
                } else {
                    try (Child next = Child.start(args("check", file))) {
                        String line = next.awaitLine("AUDIT");
                        assertTrue(line.startsWith("AUDIT true true repairs=" + repairs
                                + " inUse=1 "), step + ": " + line);
                        next.assertExitsCleanly();
                    }
                }
                assertEquals(Slots.IN_USE, table.slots.state(mine));
                assertEquals(42, table.getLongVolatile(mine, 8));
            }
            assertTrue(table.audit().clean());
        }
    }

    /** What the killed child leaves behind, read without the lock (the child is stopped). */
    private static void assertHalfDone(SharedTable table, String step, int index) {
        Slots slots = table.slots;
        String seen = step + ": record " + index + " " + slots.stateName(index) + ", "
                + slots.audit();
        int state = slots.state(index);
        switch (step) {
            case "LOCKED", "IN_USE_MARKED" -> assertEquals(Slots.IN_USE, state, seen);
            case "FREE_MARKED", "LINKED", "UNCOUNTED" -> assertEquals(Slots.FREE, state, seen);
            default -> assertEquals(Slots.ALLOCATING, state, seen);
        }
        boolean consistent = Set.of("LOCKED", "IN_USE_MARKED", "UNCOUNTED").contains(step);
        assertEquals(consistent, slots.audit().clean(), seen);
    }

    @Test
    void concurrentProcessesAndThreadsNeverShareARecord() throws Exception {
        Path file = dir.resolve("stress");
        try (SharedTable table = SharedTable.open(file, TableChild.layout(CAPACITY, RECORD_SIZE),
                TableChild.OWNER_ALIVE)) {
            List<Child> children = new ArrayList<>();
            try {
                for (int c = 0; c < 3; c++) {
                    children.add(Child.start(args("stress", file, 3, 100_000, 3000)));
                }
                // This JVM joins in with two threads while the children run.
                long deadline = System.nanoTime() + 3_000_000_000L;
                List<Thread> mine = new ArrayList<>();
                List<Throwable> failures = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int id = t;
                    mine.add(Thread.ofPlatform().start(() -> {
                        try {
                            long done = TableChild.stressLoop(table, id, 100_000, deadline)[0];
                            assertTrue(done > 100, "only " + done + " iterations");
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                for (Thread t : mine) {
                    t.join();
                }
                assertEquals(List.of(), failures);
                for (Child c : children) {
                    String line = c.awaitLine("STRESS");
                    assertTrue(line.startsWith("STRESS OK iterations="),
                            () -> String.join("\n", c.output()));
                    long done = Long.parseLong(line.split("[= ]")[3]);
                    assertTrue(done > 100, line);
                    c.assertExitsCleanly();
                }
            } finally {
                for (Child c : children) {
                    c.close();
                }
            }
            TableAudit audit = table.audit();
            assertTrue(audit.clean(), audit::toString);
            assertEquals(0, audit.inUse());
            assertEquals(CAPACITY, audit.freeListLength());
            assertEquals(0, audit.repairs());
        }
    }

    @Test
    void killingAStressedChildLosesNothingOnceReclaimed() throws Exception {
        Path file = dir.resolve("stress-kill");
        try (SharedTable table = SharedTable.open(file, TableChild.layout(CAPACITY, RECORD_SIZE),
                TableChild.OWNER_ALIVE)) {
            try (Child victim = Child.start(args("stress", file, 3, 1_000_000, 20_000));
                    Child survivor = Child.start(args("stress", file, 3, 1_000_000, 2500))) {
                // Let both get going, then kill one wherever it is, lock held or not.
                while (table.getLongVolatile(0, 0) == 0) {
                    Thread.sleep(5);
                }
                Thread.sleep(700);
                victim.kill();
                assertTrue(survivor.awaitLine("STRESS").startsWith("STRESS OK"),
                        () -> String.join("\n", survivor.output()));
                survivor.assertExitsCleanly();
            }
            // Records the victim held when it died unlocked are still IN_USE: reclaim by pid.
            table.reclaim();
            TableAudit audit = table.audit();
            assertTrue(audit.clean(), audit::toString);
            assertEquals(0, audit.inUse());
        }
    }

    @Test
    void processesCreatingTheSameFileAtOnceAllGetOneTable() throws Exception {
        Path file = dir.resolve("raced");
        Path go = dir.resolve("go");
        List<Child> children = new ArrayList<>();
        try {
            for (int c = 0; c < 4; c++) {
                children.add(Child.start(args("race", file, go)));
            }
            for (Child c : children) {
                c.awaitLine("READY");
            }
            Files.createFile(go);
            Set<String> indices = new HashSet<>();
            for (Child c : children) {
                indices.add(c.awaitLine("RACED"));
                c.assertExitsCleanly();
            }
            assertEquals(4, indices.size(), indices::toString);
        } finally {
            for (Child c : children) {
                c.close();
            }
        }
        try (SharedTable table = SharedTable.open(file, TableChild.layout(CAPACITY,
                RECORD_SIZE))) {
            TableAudit audit = table.audit();
            assertTrue(audit.clean(), audit::toString);
            assertEquals(4, audit.inUse());
        }
        try (Stream<Path> left = Files.list(dir)) {
            List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("go", "raced"), names, "temporary .init files left behind");
        }
        assertFalse(Files.exists(dir.resolve(".raced.init")));
    }
}
