package io.swrap.shm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The file header: the first {@value #SIZE} bytes. All integers are in the platform's byte order
 * (the file is shared between processes of one machine, never moved).
 *
 * <pre>
 * offset size field
 *      0    8 magic "swrapshm"
 *      8    4 layoutVersion   (of this header and the slot format; {@value #LAYOUT_VERSION})
 *     12    4 headerSize      ({@value #SIZE})
 *     16    4 capacity        (records)
 *     20    4 recordSize      (payload bytes per record)
 *     24    4 slotSize        (bytes per slot: slot header + payload rounded up to 8)
 *     28    4 schemaId        (the caller's)
 *     32    4 schemaVersion   (the caller's)
 *     36    4 inUse           (records IN_USE; derived, rebuilt by repair)
 *     40    4 freeHead        (first free record, -1 when full; derived, rebuilt by repair)
 *     44    4 repairs         (how many times a dead lock holder's work was repaired)
 *     48    4 mutexState      (0 not initialised yet, a pid while that process initialises it, -1 ready)
 *     52    4 generation      (the caller's change counter, see SharedTable#generation)
 *     56    8 reserved (zero)
 *     64   64 pthread_mutex_t (process-shared, robust, error-checking; glibc uses 40 or 48),
 *             initialised by the table's first locker
 * </pre>
 */
final class Header {
    static final long SIZE = 128;
    static final int LAYOUT_VERSION = 3;
    static final byte[] MAGIC = "swrapshm".getBytes(StandardCharsets.US_ASCII);

    static final long MAGIC_OFFSET = 0;
    static final long LAYOUT_VERSION_OFFSET = 8;
    static final long HEADER_SIZE_OFFSET = 12;
    static final long CAPACITY_OFFSET = 16;
    static final long RECORD_SIZE_OFFSET = 20;
    static final long SLOT_SIZE_OFFSET = 24;
    static final long SCHEMA_ID_OFFSET = 28;
    static final long SCHEMA_VERSION_OFFSET = 32;
    static final long IN_USE_OFFSET = 36;
    static final long FREE_HEAD_OFFSET = 40;
    static final long REPAIRS_OFFSET = 44;
    static final long MUTEX_STATE_OFFSET = 48;
    static final long GENERATION_OFFSET = 52;
    static final long MUTEX_OFFSET = 64;

    /** Volatile access for the fields read without the lock (inUse, repairs). */
    static final VarHandle INT = JAVA_INT.varHandle();

    private Header() {
    }

    /** Writes every header field except the mutex into a zero-filled, not yet shared mapping. */
    static void write(MemorySegment map, Layout layout) {
        // segment to segment: the array overload's type switch (jdk.internal.foreign.Utils.BaseAndScale)
        // spins SwitchBootstraps and the class-file API, in an agent's start before main
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, map, MAGIC_OFFSET, MAGIC.length);
        map.set(JAVA_INT, LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        map.set(JAVA_INT, HEADER_SIZE_OFFSET, (int) SIZE);
        map.set(JAVA_INT, CAPACITY_OFFSET, layout.capacity());
        map.set(JAVA_INT, RECORD_SIZE_OFFSET, layout.recordSize());
        map.set(JAVA_INT, SLOT_SIZE_OFFSET, (int) layout.slotSize());
        map.set(JAVA_INT, SCHEMA_ID_OFFSET, layout.schemaId());
        map.set(JAVA_INT, SCHEMA_VERSION_OFFSET, layout.schemaVersion());
    }

    /**
     * Checks the first bytes of an existing file against the layout the caller expects.
     *
     * @param head up to {@link #SIZE} bytes read from offset 0
     * @param fileSize the file's size
     * @return null when compatible, else every difference as {@code name: found (expected: x)}
     */
    static String check(ByteBuffer head, long fileSize, Layout layout) {
        if (fileSize < SIZE) {
            return "file size: " + fileSize + " (expected: at least " + SIZE
                    + " bytes for a swrap-shm header); not a swrap-shm table";
        }
        ByteBuffer h = head.duplicate().order(ByteOrder.nativeOrder());
        byte[] magic = new byte[MAGIC.length];
        h.get((int) MAGIC_OFFSET, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            // Nothing else in a foreign file means anything: stop at the magic.
            return "magic: 0x" + HexFormat.of().formatHex(magic) + " (expected: 0x"
                    + HexFormat.of().formatHex(MAGIC) + " \"swrapshm\"); not a swrap-shm table";
        }
        int version = h.getInt((int) LAYOUT_VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            // Another layout version may place the other fields elsewhere: stop here too.
            return "layoutVersion: " + version + " (expected: " + LAYOUT_VERSION
                    + "); written by another swrap-shm version";
        }
        List<String> diffs = new ArrayList<>();
        expect(diffs, "headerSize", h.getInt((int) HEADER_SIZE_OFFSET), SIZE);
        expect(diffs, "capacity", h.getInt((int) CAPACITY_OFFSET), layout.capacity());
        expect(diffs, "recordSize", h.getInt((int) RECORD_SIZE_OFFSET), layout.recordSize());
        expect(diffs, "slotSize", h.getInt((int) SLOT_SIZE_OFFSET), layout.slotSize());
        expect(diffs, "schemaId", h.getInt((int) SCHEMA_ID_OFFSET), layout.schemaId());
        expect(diffs, "schemaVersion", h.getInt((int) SCHEMA_VERSION_OFFSET),
                layout.schemaVersion());
        if (diffs.isEmpty()) {
            // Only checked once the fields agree: a different capacity explains a different size.
            expect(diffs, "file size", fileSize, layout.fileSize());
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    private static void expect(List<String> diffs, String name, long found, long expected) {
        if (found != expected) {
            diffs.add(name + ": " + found + " (expected: " + expected + ")");
        }
    }
}
