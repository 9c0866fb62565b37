package io.swrap.smb.vfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-wide byte-range locks ([MS-FSA] 2.1.5.7 "Server Requests a Byte-Range Lock", 2.1.4.10 "Algorithm
 * to Check for a Byte-Range Lock Conflict"). Owners are opens; ranges of length 0 conflict with nothing.
 * Blocked lock requests register a retry that runs after every unlock of the same file.
 */
public final class ByteRangeLocks {
    /**
     * Locks held on one file by all its opens. A lock is checked against every lock of its file, so the
     * count bounds the work of each LOCK, READ and WRITE.
     */
    public static final int MAX_LOCKS_PER_FILE = 16384;

    /** One granted lock. */
    public record Lock(Object owner, long offset, long length, boolean exclusive) {
        /**
         * Windows' overlap rule (as Samba's brl_overlap): ranges [o, o+l) overlap unless one ends at or before
         * the other starts, so a zero-length range overlaps a lock only strictly inside it; identical
         * non-empty ranges always overlap. Offsets are unsigned; ends past 2^64 saturate.
         */
        boolean overlaps(long off, long len) {
            if (length != 0 && off == offset && len == length) {
                return true;
            }
            return Long.compareUnsigned(off, end(offset, length)) < 0 && Long.compareUnsigned(offset, end(off, len)) < 0;
        }

        private static long end(long off, long len) {
            long e = off + len;
            return Long.compareUnsigned(e, off) < 0 ? -1L : e;
        }
    }

    private final Map<Path, List<Lock>> locks = new HashMap<>();
    private final Map<Path, List<Runnable>> waiters = new HashMap<>();

    /** Grants {@code l} unless it conflicts: an exclusive request with any overlap, a shared one with
     * another owner's exclusive lock. */
    public synchronized boolean tryLock(Path file, Lock l) {
        for (Lock e : locks.getOrDefault(file, List.of())) {
            if (e.overlaps(l.offset, l.length) && (l.exclusive || (e.exclusive && e.owner != l.owner))) {
                return false;
            }
        }
        locks.computeIfAbsent(file, k -> new ArrayList<>()).add(l);
        return true;
    }

    /** Locks held on {@code file}. */
    public synchronized int count(Path file) {
        return locks.getOrDefault(file, List.of()).size();
    }

    /** Removes the lock of {@code owner} with exactly this range; false if there is none. */
    public boolean unlock(Path file, Object owner, long offset, long length) {
        synchronized (this) {
            List<Lock> l = locks.get(file);
            if (l == null || !l.removeIf(new java.util.function.Predicate<Lock>() {
                private boolean removed;

                @Override
                public boolean test(Lock e) {
                    if (!removed && e.owner == owner && e.offset == offset && e.length == length) {
                        removed = true;
                        return true;
                    }
                    return false;
                }
            })) {
                return false;
            }
        }
        wake(file);
        return true;
    }

    /** Drops every lock of {@code owner} (the handle is closing). */
    public void releaseAll(Path file, Object owner) {
        boolean any;
        synchronized (this) {
            List<Lock> l = locks.get(file);
            any = l != null && l.removeIf(e -> e.owner == owner);
            if (l != null && l.isEmpty()) {
                locks.remove(file);
            }
        }
        if (any) {
            wake(file);
        }
    }

    /** 2.1.4.10: a read conflicts with another owner's exclusive lock; a write also with any shared lock. */
    public synchronized boolean conflicts(Path file, Object owner, long offset, long length, boolean write) {
        if (length == 0) {
            return false; // a zero-byte read or write touches no byte
        }
        for (Lock e : locks.getOrDefault(file, List.of())) {
            if (e.overlaps(offset, length) && ((e.exclusive && e.owner != owner) || (write && !e.exclusive))) {
                return true;
            }
        }
        return false;
    }

    public synchronized void addWaiter(Path file, Runnable retry) {
        waiters.computeIfAbsent(file, k -> new ArrayList<>()).add(retry);
    }

    public synchronized void removeWaiter(Path file, Runnable retry) {
        List<Runnable> w = waiters.get(file);
        if (w != null) {
            w.remove(retry);
        }
    }

    /** Runs the file's waiters once; a waiter still blocked registers itself again. */
    private void wake(Path file) {
        List<Runnable> w;
        synchronized (this) {
            w = waiters.remove(file);
        }
        if (w != null) {
            w.forEach(Runnable::run);
        }
    }

    /**
     * Moves the locks of {@code from} (and of files below it) to {@code to} after a rename; locks still held on
     * a file the rename replaced stay with their owners (merged), so that every owner can release them.
     */
    public synchronized void renamed(Path from, Path to) {
        for (Path p : List.copyOf(locks.keySet())) {
            if (p.startsWith(from)) {
                locks.merge(to.resolve(from.relativize(p)), locks.remove(p), (a, b) -> {
                    a.addAll(b);
                    return a;
                });
            }
        }
    }
}
