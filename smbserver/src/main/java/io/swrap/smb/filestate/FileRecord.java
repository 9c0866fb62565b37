package io.swrap.smb.filestate;

import io.swrap.smb.oplock.Oplocks;
import java.util.ArrayList;
import java.util.List;

/**
 * One file's state, Samba's share_mode_data: the share-mode entries of its opens and its delete-pending flag,
 * its byte-range locks and the blocking locks waiting on them, its oplock and lease grants and the CREATEs
 * waiting for their breaks. Everything here is values (owner ids, ranges, levels, waiter tickets); it is
 * touched only under the {@link FileStore}'s lock, by the three views on it ({@link ShareModes},
 * {@link ByteRangeLocks}, {@link Oplocks}).
 */
public final class FileRecord {
    final FileKey key;
    final List<ShareModes.Entry> opens = new ArrayList<>();
    boolean deletePending;
    final List<ByteRangeLocks.Lock> locks = new ArrayList<>();
    final List<Waiter> lockWaiters = new ArrayList<>();
    private final Oplocks.FileOplocks oplocks;

    FileRecord(FileKey key) {
        this.key = key;
        this.oplocks = new Oplocks.FileOplocks(key);
    }

    public FileKey key() {
        return key;
    }

    /** The oplock part, for {@link Oplocks}; call with the store's lock held. */
    public Oplocks.FileOplocks oplocks() {
        return oplocks;
    }

    boolean unused() {
        // a delete-pending file without opens is kept while opens of its streams hold its deletion back
        return opens.isEmpty() && !deletePending && locks.isEmpty() && lockWaiters.isEmpty() && oplocks.unused();
    }
}
