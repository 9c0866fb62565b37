package io.swrap.smb.prefork;

import io.swrap.shm.Layout;
import io.swrap.shm.SharedTable;
import io.swrap.smb.vfs.ChangeNotify;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The change numbers of a prefork server's workers ({@link ChangeNotify.Sequence}): one 64-bit counter in a
 * swrap-shm table in the master's directory, {@code changes.shm}, taken by an atomic add and read by a volatile
 * read, never under the table's lock. Every worker's changes and watches are numbered on it, so a watch in one
 * worker can tell a change made in another before it was armed from one made after, whenever the message that
 * carries the change arrives. A table of its own, not a slot of the file-state table, so that it exists with
 * {@code smbserver:prefork unshared file state} too. A worker started again continues the count.
 */
public final class SharedChangeSequence implements ChangeNotify.Sequence, AutoCloseable {
    /** The table's name in a prefork server's directory. */
    public static final String FILE = "changes.shm";
    private static final int SCHEMA = 0x534d_424e; // "SMBN"
    private static final int RECORD = 0;
    private static final long COUNTER = 0;

    private final SharedTable table;

    private SharedChangeSequence(SharedTable table) {
        this.table = table;
    }

    /**
     * Creates or attaches to the counter in {@code dir} (whichever worker comes first creates it).
     *
     * @throws IOException when the file cannot be mapped, or is another table
     */
    public static SharedChangeSequence open(Path dir) throws IOException {
        // the one record only ever holds a number: whatever a process that died holding the lock left is kept
        SharedTable t = SharedTable.open(dir.resolve(FILE), new Layout(1, Long.BYTES, SCHEMA, 1), (index, rec) -> true);
        try {
            t.withLock(() -> {
                if (t.inUse() == 0 && t.allocate() != RECORD) {
                    throw new IllegalStateException(t.path() + ": the counter's record is not record " + RECORD
                            + ": stop the server and delete the file");
                }
            });
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return new SharedChangeSequence(t);
    }

    @Override
    public long next() {
        return table.getAndAddLong(RECORD, COUNTER, 1) + 1;
    }

    @Override
    public long current() {
        return table.getLongVolatile(RECORD, COUNTER);
    }

    @Override
    public void close() {
        table.close();
    }
}
