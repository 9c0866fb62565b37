package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A table of fixed-size records in a file mapped by every process that opens it, guarded by a
 * robust process-shared mutex in the same file.
 *
 * <pre>{@code
 * try (SharedTable t = SharedTable.open(dir.resolve("sockets"), new Layout(1024, 64, 7, 1),
 *         (i, rec) -> isAlive(rec.get(JAVA_LONG, 0)))) {
 *     int i = t.withLock(() -> {
 *         int r = t.allocate("too many wrapped sockets (limit 1024, SOCKET_WRAPPER_MAX_SOCKETS)");
 *         t.setLongVolatile(r, 0, ProcessHandle.current().pid());
 *         return r;
 *     });
 *     long owner = t.getLongVolatile(i, 0);   // no lock needed for one aligned field
 *     t.free(i);
 * }
 * }</pre>
 *
 * <p><b>Locking.</b> {@link #withLock}, {@link #allocate}, {@link #free} and {@link #audit} take
 * the lock, reentrantly within one thread. The lock belongs to the platform thread that took it
 * (pthread semantics): calling them on a virtual thread throws IllegalStateException. If a
 * process dies holding the lock, the next locker repairs the table (see {@link RecordRepair})
 * before its own action runs. Open a file once per process and share the instance: two
 * instances of one file in one process are two lock holders for the same thread.
 *
 * <p><b>Lock-free fields.</b> The {@code get/set/compareAndSet…Volatile} methods access one
 * aligned 32- or 64-bit payload field atomically without the lock; for anything spanning
 * several fields, use {@link #withLock}.
 */
public final class SharedTable implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Path path;
    private final Layout layout;
    private final Arena arena;
    private final MemorySegment map;
    private final RobustMutex mutex;
    private final RecordRepair repairHook;
    /** Package-private for the crash tests, which stop allocate/free between steps. */
    final Slots slots;

    /** The thread holding the lock through this instance; depth is touched only by it. */
    private volatile Thread owner;
    private int depth;
    private volatile boolean closed;

    private SharedTable(Path path, Layout layout, TableFile.Mapping mapping, RecordRepair hook) {
        this.path = path;
        this.layout = layout;
        this.arena = mapping.arena();
        this.map = mapping.map();
        this.mutex = new RobustMutex(map.asSlice(Header.MUTEX_OFFSET, RobustMutex.SIZE),
                map.asSlice(Header.MUTEX_STATE_OFFSET, 4), path.toString());
        this.repairHook = hook;
        this.slots = new Slots(map, layout);
    }

    /** Opens the table at {@code path}, creating it if absent; repairs keep every record. */
    public static SharedTable open(Path path, Layout layout) throws IOException {
        return open(path, layout, RecordRepair.KEEP_ALL);
    }

    /**
     * Opens the table at {@code path}, creating it if absent (safe when several processes do it
     * at once).
     *
     * @param repair asked about each record in use after a process died holding the lock
     * @throws java.nio.file.FileSystemException if the file exists with another magic, layout
     *     version, capacity, record size or schema: the message names the path and every
     *     expected and found value, and the file is left untouched
     */
    public static SharedTable open(Path path, Layout layout, RecordRepair repair)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(repair, "repair");
        return new SharedTable(path, layout, TableFile.openOrCreate(path, layout), repair);
    }

    /** Allocates a record, zero-filled; see {@link #allocate(String)}. */
    public int allocate() {
        return allocate("free records, or recreate the table with a larger capacity");
    }

    /**
     * Allocates a record, zero-filled, and returns its index.
     *
     * @param whenFull the end of the message if the table is full, saying what the limit means
     *     to the caller's user and how to raise it
     * @throws TableFullException if all {@link #capacity()} records are in use
     */
    public int allocate(String whenFull) {
        int i = withLock(slots::allocate);
        if (i == Slots.NIL) {
            throw new TableFullException(path.toString(), layout.capacity(), whenFull);
        }
        return i;
    }

    /**
     * Frees a record allocated by {@link #allocate}.
     *
     * @throws IllegalStateException if it is not in use (freed twice?)
     */
    public void free(int index) {
        checkIndex(index);
        withLock(() -> slots.free(index));
    }

    /** The record's payload, {@link Layout#recordSize()} bytes, valid until {@link #close}. */
    public MemorySegment record(int index) {
        checkIndex(index);
        return slots.payload(index);
    }

    /** Runs {@code action} holding the table lock and returns its result. */
    public <T> T withLock(Supplier<T> action) {
        lock();
        try {
            return action.get();
        } finally {
            unlock();
        }
    }

    /** Runs {@code action} holding the table lock. */
    public void withLock(Runnable action) {
        lock();
        try {
            action.run();
        } finally {
            unlock();
        }
    }

    /** Records in use now, read without the lock (a snapshot). */
    public int inUse() {
        return slots.inUse();
    }

    public int capacity() {
        return layout.capacity();
    }

    public Layout layout() {
        return layout;
    }

    public Path path() {
        return path;
    }

    /**
     * Asks the repair hook given to {@link #open} about every record in use, under the lock,
     * and frees those it rejects: how a live process reclaims the records of processes that
     * died without holding the lock (no repair was triggered for them).
     *
     * @return how many records were freed
     */
    public int reclaim() {
        return withLock(() -> slots.reclaim(repairHook));
    }

    /**
     * With the lock held ({@link #withLock}): calls {@code action} with every record index in
     * use, in ascending order, visiting only the slots up to the last one in use. The action may
     * {@link #free} the record it is given.
     */
    public void forEachInUse(IntConsumer action) {
        slots.forEachInUse(action);
    }

    /** Checks the bookkeeping under the lock (after a repair, if one was due). */
    public TableAudit audit() {
        return withLock(slots::audit);
    }

    /** Reads the 32-bit field at {@code offset} (a multiple of 4) of record {@code index}. */
    public int getIntVolatile(int index, long offset) {
        return (int) INT.getVolatile(map, field(index, offset, 4));
    }

    /** Writes the 32-bit field at {@code offset} (a multiple of 4) of record {@code index}. */
    public void setIntVolatile(int index, long offset, int value) {
        INT.setVolatile(map, field(index, offset, 4), value);
    }

    /** Sets the 32-bit field to {@code value} if it holds {@code expected}; true if it did. */
    public boolean compareAndSetInt(int index, long offset, int expected, int value) {
        return INT.compareAndSet(map, field(index, offset, 4), expected, value);
    }

    /** Reads the 64-bit field at {@code offset} (a multiple of 8) of record {@code index}. */
    public long getLongVolatile(int index, long offset) {
        return (long) LONG.getVolatile(map, field(index, offset, 8));
    }

    /** Writes the 64-bit field at {@code offset} (a multiple of 8) of record {@code index}. */
    public void setLongVolatile(int index, long offset, long value) {
        LONG.setVolatile(map, field(index, offset, 8), value);
    }

    /** Sets the 64-bit field to {@code value} if it holds {@code expected}; true if it did. */
    public boolean compareAndSetLong(int index, long offset, long expected, long value) {
        return LONG.compareAndSet(map, field(index, offset, 8), expected, value);
    }

    /** Atomically adds {@code delta} and returns the previous value. */
    public long getAndAddLong(int index, long offset, long delta) {
        return (long) LONG.getAndAdd(map, field(index, offset, 8), delta);
    }

    /**
     * Unmaps the file (it stays on disk for the other processes). Call it when no thread uses
     * this instance any more; segments from {@link #record} become inaccessible.
     *
     * @throws IllegalStateException if a thread holds the lock through this instance
     */
    @Override
    public void close() {
        Thread holder = owner;
        // A thread that ended holding the lock released it by dying (EOWNERDEAD for the next).
        if (holder != null && holder.isAlive()) {
            throw new IllegalStateException(path + ": close() while " + holder
                    + " holds the table lock; release it first");
        }
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SharedTable[" + path + ", " + layout + "]";
    }

    /**
     * The caller's change counter in the header (0 in a new table), read without the lock: lets every
     * process notice a change of something kept outside the table (a file next to it) by one
     * memory read instead of a system call.
     */
    public int generation() {
        return (int) INT.getVolatile(map, Header.GENERATION_OFFSET);
    }

    /** Increments {@link #generation()} atomically (no lock needed) after the change it announces; returns the new value. */
    public int bumpGeneration() {
        return (int) INT.getAndAdd(map, Header.GENERATION_OFFSET, 1) + 1;
    }

    /** Takes the lock, reentrantly; repairs first if the previous holder died. */
    void lock() {
        Thread me = Thread.currentThread();
        if (owner == me) {
            depth++;
            return;
        }
        if (closed) {
            throw new IllegalStateException(path + ": table is closed");
        }
        if (mutex.lock()) {
            repairAfterOwnerDied();
        }
        owner = me;
        depth = 1;
    }

    void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException(path + ": unlock by " + Thread.currentThread()
                    + ", but the lock is held by " + owner);
        }
        if (--depth == 0) {
            owner = null;
            mutex.unlock();
        }
    }

    private void repairAfterOwnerDied() {
        try {
            slots.repair(repairHook);
            mutex.consistent();
        } catch (RuntimeException | Error e) {
            // Unlocking without pthread_mutex_consistent makes the mutex ENOTRECOVERABLE in every
            // process: that is intended, a table in an unknown state must not be used.
            IllegalStateException failure = new IllegalStateException(path + ": a process died"
                    + " holding the table lock and the repair failed; the table is now unusable"
                    + " for every process: stop them, delete the file and start again", e);
            try {
                mutex.unlock();
            } catch (RuntimeException unlockFailure) {
                failure.addSuppressed(unlockFailure);
            }
            throw failure;
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= layout.capacity()) {
            throw new IndexOutOfBoundsException(
                    "index: " + index + " (expected: 0.." + (layout.capacity() - 1) + ")");
        }
    }

    /** The absolute offset of an aligned field of {@code size} bytes inside a payload. */
    private long field(int index, long offset, int size) {
        checkIndex(index);
        if (offset < 0 || offset > layout.recordSize() - size || offset % size != 0) {
            throw new IndexOutOfBoundsException("offset: " + offset + " (expected: a multiple of "
                    + size + " in 0.." + (layout.recordSize() - size) + " for a " + size * 8
                    + "-bit field of a " + layout.recordSize() + "-byte record)");
        }
        return slots.payloadOffset(index) + offset;
    }
}
