package io.swrap.smb.filestate;

import io.swrap.smb.oplock.Oplocks;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's table of {@link FileRecord}s by {@link FileKey}, under one lock (Samba's locking.tdb, with one
 * lock where Samba locks a record). The views {@link ShareModes}, {@link ByteRangeLocks} and {@link Oplocks}
 * work on the records under {@link #lock()}; so a CREATE's share check, the breaks it causes and the grant
 * it gets see one state. A record lives while anything is in it. One instance per server process.
 */
public final class FileStore {
    private final Object lock = new Object();
    private final Map<FileKey, FileRecord> records = new HashMap<>();
    /** The records of named streams by their file's key (stream ""), for the checks that span a file's streams. */
    private final Map<FileKey, java.util.Set<FileRecord>> streams = new HashMap<>();
    private final Messenger messenger;
    private final ShareModes shareModes;
    private final ByteRangeLocks locks;
    private final Oplocks oplocks;

    /** @param leasing whether leases are granted at all (smb.conf {@code smb2 leases}) */
    public FileStore(Messenger messenger, boolean leasing) {
        this.messenger = messenger;
        this.shareModes = new ShareModes(this);
        this.locks = new ByteRangeLocks(this);
        this.oplocks = new Oplocks(this, leasing);
    }

    /** The store's one lock: hold it for every read or change of a record. */
    public Object lock() {
        return lock;
    }

    public Messenger messenger() {
        return messenger;
    }

    public ShareModes shareModes() {
        return shareModes;
    }

    public ByteRangeLocks locks() {
        return locks;
    }

    public Oplocks oplocks() {
        return oplocks;
    }

    /** The record of {@code key}, or null; with {@link #lock()} held. */
    public FileRecord get(FileKey key) {
        assert Thread.holdsLock(lock);
        return records.get(key);
    }

    /** The record of {@code key}, made when there is none; with {@link #lock()} held. */
    public FileRecord getOrCreate(FileKey key) {
        assert Thread.holdsLock(lock);
        FileRecord r = records.get(key);
        if (r == null) {
            r = new FileRecord(key);
            records.put(key, r);
            if (!key.stream().isEmpty()) {
                streams.computeIfAbsent(key.file(), k -> new java.util.HashSet<>()).add(r);
            }
        }
        return r;
    }

    /** The records of the named streams of the file {@code file} (its key with stream ""); with {@link #lock()} held. */
    public java.util.Set<FileRecord> streamsOf(FileKey file) {
        assert Thread.holdsLock(lock);
        return streams.getOrDefault(file, java.util.Set.of());
    }

    /** Drops {@code r} when nothing is left in it; with {@link #lock()} held. */
    public void dropIfUnused(FileRecord r) {
        assert Thread.holdsLock(lock);
        if (r.unused() && records.remove(r.key, r) && !r.key.stream().isEmpty()) {
            java.util.Set<FileRecord> of = streams.get(r.key.file());
            if (of != null && of.remove(r) && of.isEmpty()) {
                streams.remove(r.key.file());
            }
        }
    }

    /** Records held now (for tests and diagnostics). */
    public int size() {
        synchronized (lock) {
            return records.size();
        }
    }

    /**
     * A rename of {@code from} to {@code to}: no key changes (the file is the same inode), only the names the
     * opens know their files by, for this file and everything below it.
     */
    public void renamed(Path from, Path to) {
        synchronized (lock) {
            for (FileRecord r : records.values()) {
                for (ShareModes.Entry e : r.opens) {
                    Path p = e.path();
                    if (p != null && p.startsWith(from)) {
                        e.path(to.resolve(from.relativize(p)));
                    } else if (p != null && from.getFileName() != null && java.util.Objects.equals(p.getParent(),
                            from.getParent()) && p.getFileName().toString().startsWith(from.getFileName() + ":")) {
                        // a named stream of the renamed file, "file:stream"
                        e.path(to.resolveSibling(to.getFileName() + p.getFileName().toString()
                                .substring(from.getFileName().toString().length())));
                    }
                }
            }
        }
    }

    /** Whether a file below directory {@code dir} (at any depth) is open, other than through {@code dir}'s key. */
    public boolean hasOpenBelow(Path dir) {
        synchronized (lock) {
            for (FileRecord r : records.values()) {
                for (ShareModes.Entry e : r.opens) {
                    Path p = e.path();
                    if (p != null && !p.equals(dir) && p.startsWith(dir)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
