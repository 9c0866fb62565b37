package io.swrap.smb.filestate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.swrap.shm.Layout;
import io.swrap.shm.SharedTable;
import io.swrap.shm.TableFullException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The records of a prefork server's {@link FileStore} in one swrap-shm table that the master and every worker
 * map, under the table's robust process-shared mutex. A record is the bytes of {@link FileRecord#encode} in a
 * chain of 4 KiB slots: a head slot (the file's key — st_dev, st_ino and a named stream's name —, the chain's
 * length, the next head of its hash bucket) and
 * as many continuation slots as the bytes need. The first {@link #DIR_SLOTS} slots are the hash directory:
 * bucket → first head slot; the bucket is the file's, so a file's streams share it ({@link #streamsOf}). Everything is changed under the lock, so that a holder killed at any point leaves
 * something the next locker repairs (EOWNERDEAD): a head being rewritten is marked, and the repair frees it,
 * its continuations and slots not yet linked, then rebuilds the directory from the heads; the {@link FileStore}
 * then drops every entry of a dead process.
 */
public final class ShmRecords implements RecordBackend {
    private static final Logger LOG = Logger.getLogger(ShmRecords.class.getName());
    /** The table's name in a prefork server's directory. */
    public static final String FILE = "files.shm";
    /** Slots of 4 KiB in the table (a sparse file: only the slots used take memory). */
    public static final int SLOTS = 65_536;
    static final int SLOT_BYTES = 4096;
    static final int DIR_SLOTS = 16;
    private static final int SCHEMA = 0x534d_4246; // "SMBF"
    private static final int DIR = 3;
    private static final int HEAD = 1;
    private static final int CONT = 2;
    private static final long KIND = 0;
    private static final long H_WRITING = 4;
    private static final long H_DEV = 8;
    private static final long H_INO = 16;
    private static final long H_NEXT_IN_BUCKET = 24; // slot + 1, 0 = end
    private static final long H_LENGTH = 28;
    private static final long H_NEXT = 32; // slot + 1 of the first continuation, 0 = none
    private static final long H_STREAM_LENGTH = 40;
    private static final long H_STREAM = 44; // UTF-8, then the data
    /** A stream name's bytes in a head: 255 UTF-16 units take at most 765 bytes of UTF-8. */
    static final int MAX_STREAM_BYTES = 1024;
    private static final long C_HEAD = 4;
    private static final long C_NEXT = 8;
    private static final long C_DATA = 16;
    private static final long D_BUCKETS = 8;
    private static final int BUCKETS_PER_SLOT = (int) ((SLOT_BYTES - D_BUCKETS) / Integer.BYTES);
    static final int BUCKETS = DIR_SLOTS * BUCKETS_PER_SLOT;

    private final SharedTable table;
    // touched only holding the lock
    private boolean repaired;
    private boolean purge;

    private ShmRecords(Path file, Layout layout) throws IOException {
        this.table = SharedTable.open(file, layout, this::repair);
    }

    /**
     * Creates or attaches to the store's table {@code file}.
     *
     * @throws IOException when the file cannot be mapped, or is another table
     */
    public static ShmRecords open(Path file) throws IOException {
        ShmRecords s = new ShmRecords(file, new Layout(SLOTS, SLOT_BYTES, SCHEMA, 2));
        try {
            s.table.withLock(s::initDirectory);
        } catch (RuntimeException e) {
            s.table.close();
            throw e;
        }
        return s;
    }

    private void initDirectory() {
        if (table.inUse() == 0) {
            for (int i = 0; i < DIR_SLOTS; i++) {
                int d = table.allocate();
                if (d != i) {
                    throw new IllegalStateException(table.path() + ": directory slot " + i + " allocated as " + d);
                }
                table.record(d).set(JAVA_INT, KIND, DIR);
            }
        }
        for (int i = 0; i < DIR_SLOTS; i++) {
            if (table.record(i).get(JAVA_INT, KIND) != DIR) {
                throw new IllegalStateException(table.path() + ": slot " + i + " is not part of the file-state"
                        + " directory (kind " + table.record(i).get(JAVA_INT, KIND) + "): stop the server and delete"
                        + " the file");
            }
        }
    }

    /** The table's repair hook, after a holder died: keeps what is complete. Reads only payloads. */
    private boolean repair(int index, MemorySegment rec) {
        repaired = true;
        return switch (rec.get(JAVA_INT, KIND)) {
            case DIR -> true;
            case HEAD -> rec.get(JAVA_INT, H_WRITING) == 0;
            case CONT -> continuationOfCompleteHead(index, rec.get(JAVA_INT, C_HEAD));
            default -> false; // allocated, not yet anything
        };
    }

    private boolean continuationOfCompleteHead(int index, int head) {
        if (head < DIR_SLOTS || head >= SLOTS) {
            return false;
        }
        MemorySegment h = table.record(head);
        if (h.get(JAVA_INT, KIND) != HEAD || h.get(JAVA_INT, H_WRITING) != 0) {
            return false;
        }
        int next = h.get(JAVA_INT, H_NEXT);
        for (int steps = 0; next != 0 && steps < SLOTS; steps++) {
            if (next - 1 == index) {
                return true;
            }
            next = table.record(next - 1).get(JAVA_INT, C_NEXT);
        }
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T, E extends Exception> T inLock(FileStore.Section<T, E> body) throws E {
        Object[] result = new Object[1];
        Exception[] failed = new Exception[1];
        table.withLock(() -> {
            if (repaired) {
                repaired = false;
                rebuildDirectory();
                purge = true;
            }
            try {
                result[0] = body.run();
            } catch (Exception e) {
                failed[0] = e;
            }
        });
        if (failed[0] instanceof RuntimeException r) {
            throw r;
        }
        if (failed[0] != null) {
            throw (E) failed[0];
        }
        return (T) result[0];
    }

    private void rebuildDirectory() {
        for (int d = 0; d < DIR_SLOTS; d++) {
            table.record(d).asSlice(D_BUCKETS).fill((byte) 0);
        }
        int[] heads = {0};
        table.forEachInUse(i -> {
            if (table.record(i).get(JAVA_INT, KIND) == HEAD) {
                link(i);
                heads[0]++;
            }
        });
        LOG.warning("pid " + OwnerId.SELF_PID + ": a process died holding the file-state lock of " + table.path()
                + ": repaired, " + heads[0] + " file records kept");
    }

    @Override
    public boolean takeRepaired() {
        boolean p = purge;
        purge = false;
        return p;
    }

    private static int bucket(FileKey key) {
        long h = key.dev() * 0x9E37_79B9_7F4A_7C15L ^ key.ino() * 0xC2B2_AE3D_27D4_EB4FL;
        return (int) Long.remainderUnsigned(h ^ (h >>> 29), BUCKETS);
    }

    private MemorySegment dirSlot(int bucket) {
        return table.record(bucket / BUCKETS_PER_SLOT);
    }

    private static long dirOffset(int bucket) {
        return D_BUCKETS + (long) (bucket % BUCKETS_PER_SLOT) * Integer.BYTES;
    }

    private void link(int head) {
        MemorySegment h = table.record(head);
        int b = bucket(keyAt(h));
        h.set(JAVA_INT, H_NEXT_IN_BUCKET, dirSlot(b).get(JAVA_INT, dirOffset(b)));
        dirSlot(b).set(JAVA_INT, dirOffset(b), head + 1);
    }

    private int find(FileKey key) {
        byte[] stream = streamBytes(key);
        int b = bucket(key);
        int next = dirSlot(b).get(JAVA_INT, dirOffset(b));
        while (next != 0) {
            MemorySegment h = table.record(next - 1);
            if (h.get(JAVA_LONG, H_DEV) == key.dev() && h.get(JAVA_LONG, H_INO) == key.ino()
                    && streamIs(h, stream)) {
                return next - 1;
            }
            next = h.get(JAVA_INT, H_NEXT_IN_BUCKET);
        }
        return -1;
    }

    @Override
    public List<FileKey> streamsOf(FileKey file) {
        List<FileKey> out = new ArrayList<>();
        int b = bucket(file);
        int next = dirSlot(b).get(JAVA_INT, dirOffset(b));
        while (next != 0) {
            MemorySegment h = table.record(next - 1);
            if (h.get(JAVA_LONG, H_DEV) == file.dev() && h.get(JAVA_LONG, H_INO) == file.ino()
                    && h.get(JAVA_INT, H_STREAM_LENGTH) > 0) {
                out.add(keyAt(h));
            }
            next = h.get(JAVA_INT, H_NEXT_IN_BUCKET);
        }
        return out;
    }

    private static byte[] streamBytes(FileKey key) {
        byte[] b = key.stream().getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STREAM_BYTES) {
            throw new IllegalArgumentException("stream name of file " + key + ": " + b.length + " bytes of UTF-8"
                    + " (at most " + MAX_STREAM_BYTES + ")");
        }
        return b;
    }

    private static boolean streamIs(MemorySegment h, byte[] stream) {
        int n = h.get(JAVA_INT, H_STREAM_LENGTH);
        return n == stream.length && MemorySegment.mismatch(h, H_STREAM, H_STREAM + n,
                MemorySegment.ofArray(stream), 0, n) < 0;
    }

    /** The key a head holds (its stream name's length checked, as the bytes may be a dead writer's). */
    private static FileKey keyAt(MemorySegment h) {
        int n = h.get(JAVA_INT, H_STREAM_LENGTH);
        if (n < 0 || n > MAX_STREAM_BYTES) {
            throw new IllegalStateException("file-state head with a stream name of " + n + " bytes (at most "
                    + MAX_STREAM_BYTES + ")");
        }
        byte[] b = new byte[n];
        MemorySegment.copy(h, JAVA_BYTE, H_STREAM, b, 0, n);
        return new FileKey(h.get(JAVA_LONG, H_DEV), h.get(JAVA_LONG, H_INO), new String(b, StandardCharsets.UTF_8));
    }

    /** Where a head's data start: after its stream name. */
    private static long dataStart(MemorySegment h) {
        return H_STREAM + h.get(JAVA_INT, H_STREAM_LENGTH);
    }

    private void unlink(int head, FileKey key) {
        int b = bucket(key);
        int next = dirSlot(b).get(JAVA_INT, dirOffset(b));
        int after = table.record(head).get(JAVA_INT, H_NEXT_IN_BUCKET);
        if (next == head + 1) {
            dirSlot(b).set(JAVA_INT, dirOffset(b), after);
            return;
        }
        while (next != 0) {
            MemorySegment h = table.record(next - 1);
            if (h.get(JAVA_INT, H_NEXT_IN_BUCKET) == head + 1) {
                h.set(JAVA_INT, H_NEXT_IN_BUCKET, after);
                return;
            }
            next = h.get(JAVA_INT, H_NEXT_IN_BUCKET);
        }
    }

    private List<Integer> continuations(int head) {
        List<Integer> out = new ArrayList<>();
        int next = table.record(head).get(JAVA_INT, H_NEXT);
        while (next != 0) {
            out.add(next - 1);
            next = table.record(next - 1).get(JAVA_INT, C_NEXT);
        }
        return out;
    }

    @Override
    public FileRecord read(FileKey key) {
        int h = find(key);
        return h < 0 ? null : decode(h, key);
    }

    private FileRecord decode(int head, FileKey key) {
        MemorySegment hs = table.record(head);
        int length = hs.get(JAVA_INT, H_LENGTH);
        byte[] b = new byte[length];
        long start = dataStart(hs);
        int n = Math.min(length, (int) (SLOT_BYTES - start));
        MemorySegment.copy(hs, JAVA_BYTE, start, b, 0, n);
        for (int c : continuations(head)) {
            int m = Math.min(length - n, (int) (SLOT_BYTES - C_DATA));
            MemorySegment.copy(table.record(c), JAVA_BYTE, C_DATA, b, n, m);
            n += m;
        }
        try {
            return FileRecord.decode(key, ByteBuffer.wrap(b));
        } catch (IllegalArgumentException e) {
            // only a bug writes such bytes; the file's state is lost either way, and a record nobody can read
            // would refuse every open of the file for good
            LOG.severe("pid " + OwnerId.SELF_PID + ": " + table.path() + " slot " + head + ": " + e.getMessage()
                    + ": record dropped");
            delete(key);
            return null;
        }
    }

    @Override
    public void write(FileRecord r) {
        byte[] b = r.encode();
        byte[] stream = streamBytes(r.key);
        int head = find(r.key);
        boolean fresh = head < 0;
        List<Integer> chain = fresh ? new ArrayList<>() : continuations(head);
        long start = H_STREAM + stream.length;
        int need = b.length <= SLOT_BYTES - start ? 0
                : (int) ((b.length - (SLOT_BYTES - start) + SLOT_BYTES - C_DATA - 1) / (SLOT_BYTES - C_DATA));
        // every slot it needs first, so that a full table changes nothing
        List<Integer> added = new ArrayList<>();
        try {
            if (fresh) {
                head = table.allocate(full(r.key, b.length));
                added.add(head);
            }
            while (chain.size() + added.size() - (fresh ? 1 : 0) < need) {
                added.add(table.allocate(full(r.key, b.length)));
            }
        } catch (TableFullException e) {
            added.forEach(table::free);
            LOG.warning("pid " + OwnerId.SELF_PID + ": " + e.getMessage());
            throw e;
        }
        MemorySegment hs = table.record(head);
        hs.set(JAVA_INT, H_WRITING, 1);
        if (fresh) {
            hs.set(JAVA_INT, KIND, HEAD);
            hs.set(JAVA_LONG, H_DEV, r.key.dev());
            hs.set(JAVA_LONG, H_INO, r.key.ino());
            hs.set(JAVA_INT, H_STREAM_LENGTH, stream.length);
            MemorySegment.copy(stream, 0, hs, JAVA_BYTE, H_STREAM, stream.length);
            link(head);
            added.remove(0);
        }
        chain.addAll(added);
        while (chain.size() > need) {
            table.free(chain.remove(chain.size() - 1)); // unlinked below, before the head is complete again
        }
        int n = Math.min(b.length, (int) (SLOT_BYTES - start));
        MemorySegment.copy(b, 0, hs, JAVA_BYTE, start, n);
        int prevNext = 0;
        for (int i = chain.size() - 1; i >= 0; i--) {
            MemorySegment cs = table.record(chain.get(i));
            cs.set(JAVA_INT, KIND, CONT);
            cs.set(JAVA_INT, C_HEAD, head);
            cs.set(JAVA_INT, C_NEXT, prevNext);
            prevNext = chain.get(i) + 1;
        }
        for (int c : chain) {
            int m = Math.min(b.length - n, (int) (SLOT_BYTES - C_DATA));
            MemorySegment.copy(b, n, table.record(c), JAVA_BYTE, C_DATA, m);
            n += m;
        }
        hs.set(JAVA_INT, H_NEXT, prevNext);
        hs.set(JAVA_INT, H_LENGTH, b.length);
        hs.set(JAVA_INT, H_WRITING, 0);
    }

    private String full(FileKey key, int bytes) {
        return "the state of file " + key + " (" + bytes + " bytes) does not fit: " + SLOTS + " slots of "
                + SLOT_BYTES + " bytes hold every open file's record (ShmRecords.SLOTS)";
    }

    @Override
    public void delete(FileKey key) {
        int head = find(key);
        if (head < 0) {
            return;
        }
        table.record(head).set(JAVA_INT, H_WRITING, 1);
        unlink(head, key);
        for (int c : continuations(head)) {
            table.free(c);
        }
        table.free(head);
    }

    @Override
    public List<FileRecord> all() {
        List<FileRecord> out = new ArrayList<>();
        List<Integer> heads = new ArrayList<>();
        table.forEachInUse(i -> {
            if (table.record(i).get(JAVA_INT, KIND) == HEAD) {
                heads.add(i);
            }
        });
        for (int h : heads) {
            MemorySegment hs = table.record(h);
            FileRecord r = decode(h, keyAt(hs));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public int size() {
        int[] n = {0};
        table.forEachInUse(i -> {
            if (table.record(i).get(JAVA_INT, KIND) == HEAD) {
                n[0]++;
            }
        });
        return n[0];
    }

    /**
     * Marks the record of {@code key} as being rewritten, as a holder killed in the middle of {@link #write}
     * leaves it (for tests of the repair).
     */
    void markWriting(FileKey key) {
        table.record(find(key)).set(JAVA_INT, H_WRITING, 1);
    }

    /** Slots in use, the directory's included (for tests). */
    int slotsInUse() {
        return table.withLock(table::inUse);
    }

    /** The table's own consistency check (for tests). */
    io.swrap.shm.TableAudit audit() {
        return table.audit();
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void close() {
        table.close();
    }

    @Override
    public String toString() {
        return "file-state table " + table.path();
    }
}
