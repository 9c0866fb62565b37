package io.swrap.shm;

import java.util.List;

/**
 * A consistency check of a table's bookkeeping, taken under the lock: the free list is
 * acyclic, holds only FREE records and every FREE record, no record is left ALLOCATING, and
 * free-list length + in use == capacity.
 *
 * @param capacity the table's capacity
 * @param inUse the header's in-use count
 * @param freeListLength the records reached by walking the free list
 * @param repairs how many times a dead lock holder's work has been repaired in this file
 * @param problems what is wrong, one sentence each; empty when the table is consistent
 */
public record TableAudit(int capacity, int inUse, int freeListLength, int repairs,
        List<String> problems) {

    public TableAudit {
        problems = List.copyOf(problems);
    }

    /** True when {@link #problems()} is empty. */
    public boolean clean() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return "capacity " + capacity + ", in use " + inUse + ", free list " + freeListLength
                + ", repairs " + repairs + (clean() ? ", clean" : ", problems: " + problems);
    }
}
