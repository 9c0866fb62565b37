package io.swrap.smb.filestate;

import java.nio.file.Path;

/**
 * A process using a shared store, for {@link ShmRecordsTest}: {@code StoreChild FILE} opens the store, takes a
 * share entry and a lock on file 1:1 and 500 locks on file 1:2, then, holding the store's lock, marks 1:2 as
 * being rewritten, prints {@code LOCKED} and sleeps until killed.
 */
public final class StoreChild {
    static final FileKey COMPLETE = new FileKey(1, 1);
    static final FileKey HALF_WRITTEN = new FileKey(1, 2);

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        ShmRecords backend = ShmRecords.open(Path.of(args[0]));
        FileStore s = new FileStore(backend, new Messenger(), true);
        OwnerId me = new OwnerId(0, 0, 1, 1);
        s.shareModes().acquire(COMPLETE, null, new ShareModes.Entry(me, ShareModes.FILE_WRITE_DATA, 0));
        s.locks().tryLock(COMPLETE, new ByteRangeLocks.Lock(me, 0, 10, true));
        for (int i = 0; i < 500; i++) {
            s.locks().tryLock(HALF_WRITTEN, new ByteRangeLocks.Lock(me, i * 10L, 5, true));
        }
        s.locked(() -> {
            backend.markWriting(HALF_WRITTEN);
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
    }
}
