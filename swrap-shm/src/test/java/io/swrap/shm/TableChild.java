package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child process of the cross-process tests: {@code TableChild <mode> <path> <capacity>
 * <recordSize> [args]}. Records written here keep the writer's pid at payload offset 0 (see
 * {@link #OWNER_ALIVE}) and test data from offset 8. Exit code 0 means every check passed.
 *
 * <ul>
 *   <li>{@code hold <step>}: take the lock and stop at {@code step} (LOCKED, or a
 *       {@link Slots.Step} of an allocation or a free), print "LOCKED &lt;index&gt;" and sleep,
 *       waiting for SIGKILL.</li>
 *   <li>{@code write <n>}: allocate n records, write data, print "WROTE i…".</li>
 *   <li>{@code read <i,…> <base>}: check that record i holds {@code base + i}, print
 *       "READ OK &lt;inUse&gt;".</li>
 *   <li>{@code check}: audit (repairing first if due), allocate and free, audit again,
 *       print "AUDIT &lt;clean&gt; &lt;clean after&gt; repairs=&lt;n&gt; inUse=&lt;n&gt; …".</li>
 *   <li>{@code stress <threads> <iterations> <millis>}: allocate two, write, verify, free,
 *       until either bound is reached.</li>
 *   <li>{@code race <goFile>}: wait for goFile, open (racing to create), allocate one.</li>
 * </ul>
 */
public final class TableChild {
    /** The repair hook every test process uses: keep a record while its owner pid lives. */
    static final RecordRepair OWNER_ALIVE = (index, payload) -> {
        long pid = payload.get(JAVA_LONG, 0);
        return pid != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    };

    static final Layout layout(int capacity, int recordSize) {
        return new Layout(capacity, recordSize, 0x5357, 1);
    }

    private TableChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path path = Path.of(args[1]);
        Layout layout = layout(Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        if (mode.equals("race")) {
            race(path, layout, Path.of(args[4]));
            return;
        }
        try (SharedTable table = SharedTable.open(path, layout, OWNER_ALIVE)) {
            switch (mode) {
                case "hold" -> hold(table, args[4]);
                case "write" -> write(table, Integer.parseInt(args[4]));
                case "read" -> read(table, args[4], Long.parseLong(args[5]));
                case "check" -> check(table);
                case "stress" -> stress(table, Integer.parseInt(args[4]),
                        Integer.parseInt(args[5]), Long.parseLong(args[6]));
                default -> throw new IllegalArgumentException("mode: " + mode);
            }
        }
    }

    /** Allocates one record owned by this process, the way real callers should. */
    static int allocateOwned(SharedTable table) {
        long pid = ProcessHandle.current().pid();
        return table.withLock(() -> {
            int i = table.allocate();
            table.setLongVolatile(i, 0, pid);
            return i;
        });
    }

    private static void hold(SharedTable table, String step) throws InterruptedException {
        if (step.equals("LOCKED")) {
            int held = allocateOwned(table);
            table.withLock(() -> stop("LOCKED " + held));
            return;
        }
        Slots.Step target = Slots.Step.valueOf(step);
        boolean freeStep = target.compareTo(Slots.Step.FREE_MARKED) >= 0;
        int victim = freeStep ? allocateOwned(table) : -1;
        table.slots.probe = (reached, index) -> {
            if (reached == target) {
                stop("LOCKED " + index);
            }
        };
        if (freeStep) {
            table.free(victim);
        } else {
            allocateOwned(table);
        }
        throw new AssertionError("step " + step + " never reached");
    }

    /** Announces the half-done state and waits for SIGKILL, still holding the lock. */
    private static void stop(String line) {
        System.out.println(line);
        System.out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while holding the lock for a kill", e);
        }
    }

    private static void write(SharedTable table, int n) {
        StringBuilder out = new StringBuilder("WROTE");
        for (int k = 0; k < n; k++) {
            int i = allocateOwned(table);
            table.setLongVolatile(i, 8, 1000L + i);
            out.append(' ').append(i);
        }
        System.out.println(out);
    }

    private static void read(SharedTable table, String indices, long base) {
        for (String s : indices.split(",")) {
            int i = Integer.parseInt(s);
            long found = table.getLongVolatile(i, 8);
            if (found != base + i) {
                System.out.println("READ MISMATCH record " + i + ": " + found + " (expected: "
                        + (base + i) + ")");
                System.exit(1);
            }
        }
        System.out.println("READ OK " + table.inUse());
    }

    private static void check(SharedTable table) {
        TableAudit audit = table.audit();
        int i = table.allocate();
        table.free(i);
        TableAudit after = table.audit();
        System.out.println("AUDIT " + audit.clean() + " " + after.clean() + " repairs="
                + audit.repairs() + " inUse=" + audit.inUse() + " (" + audit + "; " + after + ")");
    }

    private static void stress(SharedTable table, int threads, int iterations, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[][] counts = new long[threads][];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    counts[id] = stressLoop(table, id, iterations, deadline);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            System.out.println("STRESS FAILED " + failure.get());
            failure.get().printStackTrace(System.out);
            System.exit(2);
        }
        long done = 0;
        long full = 0;
        for (long[] c : counts) {
            done += c[0];
            full += c[1];
        }
        System.out.println("STRESS OK iterations=" + done + " full=" + full);
    }

    /**
     * Allocates two records, writes a token into each, yields, checks nobody else changed them,
     * frees them; repeated {@code iterations} times or until {@code deadline} (nanoTime).
     *
     * @return {iterations done, how often the table was full (then it retried)}
     */
    static long[] stressLoop(SharedTable table, int id, int iterations, long deadline) {
        long pid = ProcessHandle.current().pid();
        long full = 0;
        int it = 0;
        for (; it < iterations && System.nanoTime() < deadline; it++) {
            long token = (pid << 32) | ((long) id << 24) | it;
            int[] held = new int[2];
            for (int k = 0; k < 2; k++) {
                while (true) {
                    try {
                        held[k] = allocateOwned(table);
                        break;
                    } catch (TableFullException e) {
                        // Fewer threads than records share the table, so some thread can
                        // always finish and free; a table full for long means lost records.
                        if (System.nanoTime() - deadline > 10_000_000_000L) {
                            throw new AssertionError("table still full 10 s after the end", e);
                        }
                        full++;
                        Thread.yield();
                    }
                }
                MemorySegment rec = table.record(held[k]);
                rec.set(JAVA_LONG, 8, token + k);
                rec.set(JAVA_LONG, 16, ~(token + k));
            }
            Thread.yield();
            for (int k = 0; k < 2; k++) {
                MemorySegment rec = table.record(held[k]);
                long a = rec.get(JAVA_LONG, 8);
                long b = rec.get(JAVA_LONG, 16);
                long owner = table.getLongVolatile(held[k], 0);
                if (a != token + k || b != ~(token + k) || owner != pid) {
                    throw new AssertionError("record " + held[k] + " was changed by someone"
                            + " else while allocated to thread " + id + " of " + pid + ": data "
                            + a + "/" + ~b + " owner " + owner + " (expected: " + (token + k)
                            + " owner " + pid + ")");
                }
                table.free(held[k]);
            }
        }
        return new long[] {it, full};
    }

    private static void race(Path path, Layout layout, Path go) throws Exception {
        System.out.println("READY");
        while (!Files.exists(go)) {
            Thread.sleep(1);
        }
        try (SharedTable table = SharedTable.open(path, layout, OWNER_ALIVE)) {
            System.out.println("RACED " + allocateOwned(table));
        }
    }
}
