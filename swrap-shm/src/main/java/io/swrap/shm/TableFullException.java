package io.swrap.shm;

/** Thrown by {@link SharedTable#allocate(String)} when every record is in use. */
public final class TableFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int capacity;

    TableFullException(String table, int capacity, String whatToDo) {
        super(table + ": table full, all " + capacity + " records in use (capacity " + capacity
                + "): " + whatToDo);
        this.capacity = capacity;
    }

    /** The capacity of the table that is full. */
    public int capacity() {
        return capacity;
    }
}
