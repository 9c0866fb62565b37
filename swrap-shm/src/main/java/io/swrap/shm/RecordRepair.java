package io.swrap.shm;

import java.lang.foreign.MemorySegment;

/**
 * The caller's part of the repair that follows a process dying while it held the table lock.
 *
 * <p>The table repairs its own bookkeeping (free list, in-use count, half-done allocations);
 * the hook is then asked about every record still in use, so it can finish or undo a half-done
 * update of the caller's own fields, or release records whose owner is gone. Pattern: allocate
 * and write the owner's pid in one {@code withLock} section; the hook then keeps a record only
 * if its pid is non-zero and alive.
 *
 * <p>It runs under the lock, in whichever process locks next, so every process opening a file
 * should pass the same hook. It must not call the table. If it throws, the table is left
 * unrecoverable (every later lock fails, telling to recreate the file) rather than half-repaired.
 */
@FunctionalInterface
public interface RecordRepair {

    /** Keeps every record that is in use: nothing of the caller's to repair. */
    RecordRepair KEEP_ALL = (index, payload) -> true;

    /**
     * @param index the record's index
     * @param payload the record's payload, writable
     * @return true to keep the record in use, false to free it
     */
    boolean repair(int index, MemorySegment payload);
}
