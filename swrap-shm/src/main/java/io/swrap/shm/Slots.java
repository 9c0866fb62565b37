package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The record slots and the operations that change them; every method except the constructor
 * requires the table lock.
 *
 * <p>Each slot is {@code state:int, next:int, payload}; {@code next} is stored as the distance
 * past the following slot ({@code next - (i + 1)}, with NIL as {@code capacity}), so that an
 * all-zero file is a complete free list. The state word is the only truth:
 * FREE, ALLOCATING or IN_USE. The free list (header freeHead + each slot's next) and the
 * header's inUse count are derived from the states, so {@link #repair} simply rebuilds them.
 * That makes a crash at any instruction inside the lock repairable: allocation marks the slot
 * ALLOCATING before touching anything else and IN_USE only as its last step, so a half-done
 * allocation is a slot in state ALLOCATING, which repair frees; a half-done free has already
 * written FREE, which the rebuild then links. Repair itself is idempotent, so a repairer that
 * dies is repaired by the next locker.
 */
final class Slots {
    static final int FREE = 0;
    static final int ALLOCATING = 1;
    static final int IN_USE = 2;
    static final int NIL = -1;

    static final long STATE_OFFSET = 0;
    static final long NEXT_OFFSET = 4;
    static final long PAYLOAD_OFFSET = 8;

    /** The points between the steps of {@link #allocate} and {@link #free}, for crash tests. */
    enum Step { ALLOCATING_MARKED, UNLINKED, ZEROED, COUNTED, IN_USE_MARKED,
        FREE_MARKED, LINKED, UNCOUNTED }

    /** Test seam: called at each {@link Step}; the crash tests stop a process there. */
    interface Probe {
        /** A class, not a lambda: the agent maps a table before main, where a lambda spins a class. */
        Probe NONE = new Probe() {
            @Override
            public void reached(Step step, int index) {
            }
        };

        void reached(Step step, int index);
    }

    private final MemorySegment map;
    private final int capacity;
    private final int recordSize;
    private final long slotSize;
    Probe probe = Probe.NONE;

    Slots(MemorySegment map, Layout layout) {
        this.map = map;
        this.capacity = layout.capacity();
        this.recordSize = layout.recordSize();
        this.slotSize = layout.slotSize();
    }

    /**
     * A new file needs no formatting: links are stored relative to the next slot (see
     * {@link #next}), so the zero bytes of a sparse file already are the free list
     * 0 → 1 → … → capacity-1 → NIL with every slot FREE, head 0 and count 0. Nothing is written,
     * and the file's pages are allocated only as records are used.
     */
    void format() {
        setFreeHead(0);
        setInUse(0);
    }

    /** @return the allocated index, or {@link #NIL} when every record is in use */
    int allocate() {
        int i = freeHead();
        if (i == NIL) {
            return NIL;
        }
        if (i < 0 || i >= capacity || state(i) != FREE) {
            String found = i < 0 || i >= capacity ? "out of range" : stateName(i);
            throw new IllegalStateException("free list head: " + i + " " + found
                    + " (expected: a FREE record in 0.." + (capacity - 1)
                    + "); the table is corrupted: recreate the file");
        }
        setState(i, ALLOCATING);
        probe.reached(Step.ALLOCATING_MARKED, i);
        setFreeHead(next(i));
        probe.reached(Step.UNLINKED, i);
        setNext(i, NIL);
        payload(i).fill((byte) 0);
        probe.reached(Step.ZEROED, i);
        setInUse(inUse() + 1);
        probe.reached(Step.COUNTED, i);
        setState(i, IN_USE);
        probe.reached(Step.IN_USE_MARKED, i);
        return i;
    }

    void free(int i) {
        if (state(i) != IN_USE) {
            throw new IllegalStateException("record " + i + " is " + stateName(i)
                    + " (expected: IN_USE): freed twice, or never allocated?");
        }
        setState(i, FREE);
        probe.reached(Step.FREE_MARKED, i);
        setNext(i, freeHead());
        setFreeHead(i);
        probe.reached(Step.LINKED, i);
        setInUse(inUse() - 1);
        probe.reached(Step.UNCOUNTED, i);
    }

    /**
     * Rebuilds the derived state after a lock holder died: ALLOCATING slots become FREE, the
     * caller's hook may free IN_USE slots, then free list and count are recomputed from the
     * states. Throws, leaving the states as they were found, if a state word is unknown.
     */
    void repair(RecordRepair hook) {
        for (int i = 0; i < capacity; i++) {
            int s = state(i);
            if (s != FREE && s != ALLOCATING && s != IN_USE) {
                throw new IllegalStateException("record " + i + ": state word " + s
                        + " (expected: 0 FREE, 1 ALLOCATING or 2 IN_USE); the file is"
                        + " corrupted");
            }
        }
        for (int i = 0; i < capacity; i++) {
            int s = state(i);
            if (s == ALLOCATING || (s == IN_USE && !hook.repair(i, payload(i)))) {
                setState(i, FREE);
            }
        }
        int head = NIL;
        int used = 0;
        // Backwards, so the rebuilt list hands out low indices first, like a new file.
        for (int i = capacity - 1; i >= 0; i--) {
            if (state(i) == FREE) {
                setNext(i, head);
                head = i;
            } else {
                setNext(i, NIL);
                used++;
            }
        }
        setFreeHead(head);
        setInUse(used);
        Header.INT.setVolatile(map, Header.REPAIRS_OFFSET, repairs() + 1);
    }

    /** Frees every IN_USE record the hook rejects; returns how many. */
    int reclaim(RecordRepair hook) {
        int[] freed = {0};
        forEachInUse(i -> {
            if (!hook.repair(i, payload(i))) {
                free(i);
                freed[0]++;
            }
        });
        return freed[0];
    }

    /**
     * Calls {@code action} with each IN_USE index in ascending order, and stops after the last
     * one (the header's count, consistent under the lock): the free list hands out low indices
     * first, so a table of 65,535 slots with a few sockets is visited only at its start. The
     * action may free the record it is given.
     */
    void forEachInUse(IntConsumer action) {
        int left = inUse();
        for (int i = 0; i < capacity && left > 0; i++) {
            if (state(i) == IN_USE) {
                left--;
                action.accept(i);
            }
        }
    }

    /** Checks the free list against the states; see {@link TableAudit}. */
    TableAudit audit() {
        List<String> problems = new ArrayList<>();
        BitSet onList = new BitSet(capacity);
        int length = 0;
        for (int i = freeHead(); i != NIL; i = next(i)) {
            if (i < 0 || i >= capacity) {
                problems.add("free list link: " + i + " (expected: 0.." + (capacity - 1)
                        + " or -1) after " + length + " entries");
                break;
            }
            if (onList.get(i)) {
                problems.add("free list has a cycle: record " + i + " comes again after "
                        + length + " entries");
                break;
            }
            onList.set(i);
            length++;
            if (state(i) != FREE) {
                problems.add("record " + i + " is on the free list but " + stateName(i));
            }
        }
        int used = 0;
        for (int i = 0; i < capacity; i++) {
            int s = state(i);
            if (s == IN_USE) {
                used++;
            } else if (s == FREE && !onList.get(i)) {
                problems.add("record " + i + " is FREE but not on the free list");
            } else if (s != FREE) {
                problems.add("record " + i + " is " + stateName(i) + " outside an allocation");
            }
        }
        int counted = inUse();
        if (counted != used) {
            problems.add("header inUse: " + counted + " (expected: " + used
                    + ", the records in state IN_USE)");
        }
        if (length + counted != capacity) {
            problems.add("free list length " + length + " + inUse " + counted + ": "
                    + (length + counted) + " (expected: capacity " + capacity + ")");
        }
        return new TableAudit(capacity, counted, length, repairs(), problems);
    }

    MemorySegment payload(int i) {
        return map.asSlice(payloadOffset(i), recordSize);
    }

    long payloadOffset(int i) {
        return slotOffset(i) + PAYLOAD_OFFSET;
    }

    int state(int i) {
        return (int) Header.INT.getVolatile(map, slotOffset(i) + STATE_OFFSET);
    }

    /** Volatile, so a reader without the lock that sees IN_USE also sees the zeroed payload. */
    void setState(int i, int state) {
        Header.INT.setVolatile(map, slotOffset(i) + STATE_OFFSET, state);
    }

    int next(int i) {
        int next = map.get(JAVA_INT, slotOffset(i) + NEXT_OFFSET) + i + 1;
        return next == capacity ? NIL : next;
    }

    int freeHead() {
        return map.get(JAVA_INT, Header.FREE_HEAD_OFFSET);
    }

    int inUse() {
        return (int) Header.INT.getVolatile(map, Header.IN_USE_OFFSET);
    }

    int repairs() {
        return (int) Header.INT.getVolatile(map, Header.REPAIRS_OFFSET);
    }

    void setNext(int i, int next) {
        map.set(JAVA_INT, slotOffset(i) + NEXT_OFFSET, (next == NIL ? capacity : next) - (i + 1));
    }

    private void setFreeHead(int head) {
        map.set(JAVA_INT, Header.FREE_HEAD_OFFSET, head);
    }

    private void setInUse(int n) {
        Header.INT.setVolatile(map, Header.IN_USE_OFFSET, n);
    }

    private long slotOffset(int i) {
        return Header.SIZE + i * slotSize;
    }

    String stateName(int i) {
        int s = state(i);
        return switch (s) {
            case FREE -> "FREE";
            case ALLOCATING -> "ALLOCATING";
            case IN_USE -> "IN_USE";
            default -> "in unknown state " + s;
        };
    }
}
