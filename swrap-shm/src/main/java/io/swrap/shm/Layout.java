package io.swrap.shm;

/**
 * The shape of a table: how many records, how many payload bytes each, and the caller's own
 * schema id and version of what those bytes mean. Every process opening one file must pass an
 * equal layout; a file created with a different one is refused with the differing values named,
 * so a changed record layout never silently reads old bytes.
 *
 * <ul>
 *   <li>{@code capacity}: 1..{@value #MAX_CAPACITY} records (socket_wrapper's own socket limit;
 *       it also keeps the mapping at most about 1 GiB).</li>
 *   <li>{@code recordSize}: 1..{@value #MAX_RECORD_SIZE} payload bytes. Each payload starts
 *       8-byte aligned, so 32- and 64-bit fields at aligned offsets can be accessed
 *       atomically.</li>
 *   <li>{@code schemaId}, {@code schemaVersion}: any values; compared for equality only.</li>
 * </ul>
 */
public record Layout(int capacity, int recordSize, int schemaId, int schemaVersion) {

    /** The largest capacity a table may have. */
    public static final int MAX_CAPACITY = 262_140;
    /** The largest payload a record may have, in bytes. */
    public static final int MAX_RECORD_SIZE = 4096;

    /** Validates the ranges listed in the class comment. */
    public Layout {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity: " + capacity + " (expected: 1.." + MAX_CAPACITY + ")");
        }
        if (recordSize < 1 || recordSize > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException(
                    "recordSize: " + recordSize + " (expected: 1.." + MAX_RECORD_SIZE + ")");
        }
    }

    /** A layout with schema id and version 0, for callers that do not version their records. */
    public static Layout of(int capacity, int recordSize) {
        return new Layout(capacity, recordSize, 0, 0);
    }

    /** Bytes per record slot: the slot header, then the payload rounded up to 8. */
    long slotSize() {
        return Slots.PAYLOAD_OFFSET + ((recordSize + 7L) & ~7L);
    }

    /** Bytes of the whole file. */
    long fileSize() {
        return Header.SIZE + capacity * slotSize();
    }
}
