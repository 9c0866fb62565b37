package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-wide table of opens per file, for share-access checks ([MS-FSA] 2.1.5.1.2.1
 * "Algorithm to Check Sharing Access") and delete-pending state. One instance per server process.
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
     * One open's claim on a file. It also carries the file's current path, so that a rename through one
     * handle moves every handle of the file (and of files below a renamed directory).
     */
    public static final class Entry {
        final int access;
        final int share;
        private Path path;

        public Entry(int access, int share) {
            this.access = access;
            this.share = share;
        }

        boolean hasDataAccess() {
            return (access & (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE)) != 0;
        }

        /** The file's path, as acquired or as renamed since. */
        public synchronized Path path() {
            return path;
        }

        synchronized void path(Path p) {
            this.path = p;
        }
    }

    private static final class FileState {
        final List<Entry> opens = new ArrayList<>();
        boolean deletePending;
    }

    private final Map<Path, FileState> files = new HashMap<>();

    /** Adds {@code e} for {@code file}, or fails with SHARING_VIOLATION / DELETE_PENDING. */
    public synchronized void acquire(Path file, Entry e) throws Smb2Exception {
        FileState st = files.get(file);
        if (st != null) {
            if (st.deletePending) {
                throw new Smb2Exception(NtStatus.DELETE_PENDING, file + " is marked for deletion");
            }
            checkSharing(file, e);
        }
        files.computeIfAbsent(file, k -> new FileState()).opens.add(e);
        e.path(file);
    }

    /** Fails with SHARING_VIOLATION when an open like {@code e} of {@code file} would conflict; takes nothing. */
    public synchronized void checkSharing(Path file, Entry e) throws Smb2Exception {
        FileState st = files.get(file);
        if (st == null) {
            return;
        }
        for (Entry o : st.opens) {
            // 2.1.5.1.2: opens without data access (attributes, security) take no part in sharing checks.
            if (e.hasDataAccess() && o.hasDataAccess() && (conflicts(e, o) || conflicts(o, e))) {
                throw new Smb2Exception(NtStatus.SHARING_VIOLATION, file + ": access 0x"
                        + Integer.toHexString(e.access) + "/share 0x" + Integer.toHexString(e.share)
                        + " conflicts with an open holding access 0x" + Integer.toHexString(o.access)
                        + "/share 0x" + Integer.toHexString(o.share));
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
     * Removes {@code e}; returns true when it was the last open and the file is delete-pending.
     *
     * @throws IllegalStateException when {@code e} is not held for {@code file} (a bug: released twice); the
     *     table is left as it was
     */
    public synchronized boolean release(Path file, Entry e) {
        FileState st = files.get(file);
        if (st == null || !st.opens.remove(e)) {
            throw new IllegalStateException("open of " + file + " released twice or never acquired");
        }
        if (st.opens.isEmpty()) {
            files.remove(file);
            return st.deletePending;
        }
        return false;
    }

    public synchronized void setDeletePending(Path file, boolean pending) {
        FileState st = files.get(file);
        if (st != null) {
            st.deletePending = pending;
        }
    }

    public synchronized boolean isDeletePending(Path file) {
        FileState st = files.get(file);
        return st != null && st.deletePending;
    }

    /** True when {@code file} has opens other than {@code self}. */
    public synchronized boolean hasOtherOpens(Path file, Entry self) {
        FileState st = files.get(file);
        return st != null && st.opens.stream().anyMatch(o -> o != self);
    }

    /**
     * Moves the state of {@code from} (and of everything below it) to {@code to} after a rename. When the
     * rename replaced a file that is still open, the two states are merged (never dropped): the replaced file's
     * opens take part in sharing checks of the name until they close, and every entry can be released.
     */
    public synchronized void renamed(Path from, Path to) {
        Map<Path, FileState> moved = new HashMap<>();
        files.entrySet().removeIf(en -> {
            if (en.getKey().startsWith(from)) {
                Path target = to.resolve(from.relativize(en.getKey()));
                moved.put(target, en.getValue());
                en.getValue().opens.forEach(o -> o.path(target));
                return true;
            }
            return false;
        });
        moved.forEach((p, st) -> files.merge(p, st, (old, add) -> {
            old.opens.addAll(add.opens);
            old.deletePending |= add.deletePending;
            return old;
        }));
    }
}
