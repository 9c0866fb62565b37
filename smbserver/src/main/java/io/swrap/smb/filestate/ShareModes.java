package io.swrap.smb.filestate;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.file.Path;
import java.util.List;

/**
 * The share modes of a file's opens in its {@link FileRecord}, for share-access checks ([MS-FSA] 2.1.5.1.2.1
 * "Algorithm to Check Sharing Access") and delete-pending state. Every open of the file, through any of its
 * names, takes part.
 */
public final class ShareModes {
    public static final int FILE_SHARE_READ = 0x1;
    public static final int FILE_SHARE_WRITE = 0x2;
    public static final int FILE_SHARE_DELETE = 0x4;
    // [MS-SMB2] 2.2.13.1.1 access mask bits that take part in sharing checks.
    public static final int FILE_READ_DATA = 0x1;
    public static final int FILE_WRITE_DATA = 0x2;
    public static final int FILE_APPEND_DATA = 0x4;
    public static final int FILE_EXECUTE = 0x20;
    public static final int DELETE = 0x10000;

    /**
     * One open's claim on a file: its owner, access and share mode (what the file's record holds), and, in the
     * process that made the open, the file's key and the name it knows the file by (which renames of the file,
     * or of a directory above it, change; the key does not). A record read back from shared memory holds
     * entries without key and name; entries are matched by owner.
     */
    public static final class Entry {
        final OwnerId owner;
        final int access;
        final int share;
        private FileKey key;
        private Path path;
        /** Set by {@link #release}: this stream's close is the last open of a delete-pending file, which goes now. */
        private boolean deletesFile;

        public Entry(OwnerId owner, int access, int share) {
            this.owner = owner;
            this.access = access;
            this.share = share;
        }

        /** An entry to check an operation that works like an open (a rename) against the opens; never acquired. */
        public static Entry probe(int access, int share) {
            return new Entry(null, access, share);
        }

        boolean hasDataAccess() {
            return (access & (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE)) != 0;
        }

        public OwnerId owner() {
            return owner;
        }

        /** The open's GrantedAccess as its share check knows it. */
        public int access() {
            return access;
        }

        /** The open's ShareAccess. */
        public int shareAccess() {
            return share;
        }

        /** Whether closing this open of a named stream is to remove its delete-pending file ({@link #release}). */
        public synchronized boolean deletesFile() {
            return deletesFile;
        }

        /** The file it was acquired for. */
        public synchronized FileKey key() {
            return key;
        }

        /** The file's path, as acquired or as renamed since. */
        public synchronized Path path() {
            return path;
        }

        synchronized void path(Path p) {
            this.path = p;
        }

        synchronized void acquired(FileKey k, Path p) {
            this.key = k;
            this.path = p;
        }
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ShareModes.class.getName());

    private final FileStore store;

    ShareModes(FileStore store) {
        this.store = store;
    }

    /**
     * Adds {@code e} for the file {@code key} opened as {@code path}, or fails with SHARING_VIOLATION /
     * DELETE_PENDING, or INSUFFICIENT_RESOURCES when the file has {@link FileRecord#MAX_OPENS_PER_FILE} opens.
     */
    public void acquire(FileKey key, Path path, Entry e) throws Smb2Exception {
        store.locked(() -> {
            FileRecord file = key.stream().isEmpty() ? null : store.get(key.file());
            if (file != null && file.deletePending) {
                throw new Smb2Exception(NtStatus.DELETE_PENDING, path + ": its file is marked for deletion");
            }
            FileRecord r = store.get(key);
            if (r != null) {
                if (r.deletePending) {
                    throw new Smb2Exception(NtStatus.DELETE_PENDING, path + " is marked for deletion");
                }
                check(r, path, e);
                if (r.opens.size() >= FileRecord.MAX_OPENS_PER_FILE) {
                    LOG.warning("pid " + OwnerId.SELF_PID + ": open of " + path + " refused: file " + key + " has "
                            + r.opens.size() + " opens (at most " + FileRecord.MAX_OPENS_PER_FILE + " per file)");
                    throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, path + " is open " + r.opens.size()
                            + " times (at most " + FileRecord.MAX_OPENS_PER_FILE + " opens per file)");
                }
            }
            checkStreams(key, path, e);
            store.getOrCreate(key).opens.add(e);
            e.acquired(key, path);
            store.acquiredLocally(e);
            return null;
        });
    }

    /**
     * The entry of {@code owner} that another process handed over with its open ({@link FileStore#transfer}),
     * known in this process as {@code path}; its access and share mode as the record holds them.
     *
     * @throws IllegalStateException when the record of {@code key} holds no entry of {@code owner}
     */
    public Entry adopt(FileKey key, Path path, OwnerId owner) {
        return store.locked(() -> {
            FileRecord r = store.get(key);
            Entry held = null;
            for (Entry o : r == null ? List.<Entry>of() : r.opens) {
                if (o.owner.equals(owner)) {
                    held = o;
                }
            }
            if (held == null) {
                throw new IllegalStateException(owner + ": no share-mode entry in the record of " + key + " ("
                        + path + ") to take over");
            }
            held.acquired(key, path);
            store.acquiredLocally(held);
            return held;
        });
    }

    /** Fails with SHARING_VIOLATION when an open like {@code e} of {@code key} would conflict; takes nothing. */
    public void checkSharing(FileKey key, Path path, Entry e) throws Smb2Exception {
        store.locked(() -> {
            FileRecord r = store.get(key);
            if (r != null) {
                check(r, path, e);
            }
            checkStreams(key, path, e);
            return null;
        });
    }

    /**
     * An open of a file's data with DELETE conflicts with every open of one of its named streams that does not
     * share delete (as Windows: smb2.streams.delete), the streams being part of the file a delete removes.
     */
    private void checkStreams(FileKey key, Path path, Entry e) throws Smb2Exception {
        if (!key.stream().isEmpty() || (e.access & DELETE) == 0) {
            return;
        }
        for (FileRecord s : store.streamsOf(key)) {
            for (Entry o : s.opens) {
                if ((o.share & FILE_SHARE_DELETE) == 0) {
                    throw new Smb2Exception(NtStatus.SHARING_VIOLATION, (path != null ? path : key) + ": DELETE"
                            + " conflicts with an open of its stream " + (o.path() != null ? o.path() : s.key)
                            + " without FILE_SHARE_DELETE (share 0x" + Integer.toHexString(o.share) + ")");
                }
            }
        }
    }

    /** Whether an open like {@code e} would fail the share-access check now. */
    public boolean violates(FileKey key, Entry e) {
        try {
            checkSharing(key, null, e);
            return false;
        } catch (Smb2Exception ex) {
            return true;
        }
    }

    private static void check(FileRecord r, Path path, Entry e) throws Smb2Exception {
        for (Entry o : r.opens) {
            // 2.1.5.1.2: opens without data access (attributes, security) take no part in sharing checks.
            if (e.hasDataAccess() && o.hasDataAccess() && (conflicts(e, o) || conflicts(o, e))) {
                throw new Smb2Exception(NtStatus.SHARING_VIOLATION, (path != null ? path : r.key) + ": access 0x"
                        + Integer.toHexString(e.access) + "/share 0x" + Integer.toHexString(e.share)
                        + " conflicts with an open holding access 0x" + Integer.toHexString(o.access)
                        + "/share 0x" + Integer.toHexString(o.share) + (o.path() != null ? " as " + o.path()
                        : o.owner != null && o.owner.pid() != OwnerId.SELF_PID ? " in process " + o.owner.pid() : ""));
            }
        }
    }

    /** True when {@code a}'s access is not allowed by {@code b}'s share mode. */
    private static boolean conflicts(Entry a, Entry b) {
        return ((a.access & (FILE_READ_DATA | FILE_EXECUTE)) != 0 && (b.share & FILE_SHARE_READ) == 0)
                || ((a.access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0 && (b.share & FILE_SHARE_WRITE) == 0)
                || ((a.access & DELETE) != 0 && (b.share & FILE_SHARE_DELETE) == 0);
    }

    /**
     * Removes {@code e}; returns true when it was the file's last open and the file is delete-pending (the
     * pending flag goes with the last open: a new file of the name starts afresh).
     *
     * @throws IllegalStateException when {@code e} is not held (a bug: released twice); the record is left as it was
     */
    public boolean release(Entry e) {
        return store.locked(() -> {
            FileRecord r = e.key() == null ? null : store.get(e.key());
            if (r == null || !r.opens.removeIf(o -> o == e || o.owner.equals(e.owner))) {
                throw new IllegalStateException("open of " + e.path() + " released twice or never acquired");
            }
            store.releasedLocally(e);
            boolean delete = false;
            if (r.opens.isEmpty()) {
                delete = r.deletePending;
                r.deletePending = false;
                if (delete && r.key.stream().isEmpty() && streamsOpen(r.key)) {
                    // the file goes with the last open of its streams (as Windows)
                    r.deletePending = true;
                    delete = false;
                }
            }
            if (!r.key.stream().isEmpty() && r.opens.isEmpty()) {
                // (a delete-pending stream goes with its file)
                FileRecord file = store.get(r.key.file());
                if (file != null && file.deletePending && file.opens.isEmpty() && !streamsOpen(file.key)) {
                    file.deletePending = false; // (its record goes at the section's end if nothing is left)
                    synchronized (e) {
                        e.deletesFile = true;
                    }
                    delete = true;
                }
            }
            return delete;
        });
    }

    private boolean streamsOpen(FileKey file) {
        for (FileRecord s : store.streamsOf(file)) {
            if (!s.opens.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    public void setDeletePending(FileKey key, boolean pending) {
        store.locked(() -> {
            FileRecord r = store.get(key);
            if (r != null && !r.opens.isEmpty()) {
                r.deletePending = pending;
            }
            return null;
        });
    }

    public boolean isDeletePending(FileKey key) {
        return store.locked(() -> {
            FileRecord r = store.get(key);
            return r != null && r.deletePending;
        });
    }
}
