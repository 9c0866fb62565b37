package io.swrap.smb.filestate;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The byte-range locks of a file in its {@link FileRecord} ([MS-FSA] 2.1.5.7 "Server Requests a Byte-Range
 * Lock", 2.1.4.10 "Algorithm to Check for a Byte-Range Lock Conflict"). Owners are opens; ranges of length 0
 * conflict with nothing. A blocked lock request leaves a {@link Waiter} in the record; every unlock of the file
 * wakes the waiters through the {@link Messenger}, each on its own loop, where it tries again.
 */
public final class ByteRangeLocks {
    /**
     * Locks held on one file by all its opens. A lock is checked against every lock of its file, so the
     * count bounds the work of each LOCK, READ and WRITE.
     */
    public static final int MAX_LOCKS_PER_FILE = 16384;
    private static final Logger LOG = Logger.getLogger(ByteRangeLocks.class.getName());

    /** One granted lock. */
    public record Lock(OwnerId owner, long offset, long length, boolean exclusive) {
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

    private final FileStore store;

    ByteRangeLocks(FileStore store) {
        this.store = store;
    }

    /** Grants {@code l} unless it conflicts: an exclusive request with any overlap, a shared one with
     * another owner's exclusive lock. */
    public boolean tryLock(FileKey file, Lock l) {
        return store.locked(() -> {
            FileRecord r = store.get(file);
            if (r != null) {
                for (Lock e : r.locks) {
                    if (e.overlaps(l.offset, l.length) && (l.exclusive || (e.exclusive && !e.owner.equals(l.owner)))) {
                        return false;
                    }
                }
            }
            store.getOrCreate(file).locks.add(l);
            return true;
        });
    }

    /** Locks held on {@code file}. */
    public int count(FileKey file) {
        return store.locked(() -> {
            FileRecord r = store.get(file);
            return r == null ? 0 : r.locks.size();
        });
    }

    /** Removes the lock of {@code owner} with exactly this range (the first such); false if there is none. */
    public boolean unlock(FileKey file, OwnerId owner, long offset, long length) {
        List<Waiter> wake = store.locked(() -> {
            FileRecord r = store.get(file);
            if (r == null || !removeFirst(r.locks, owner, offset, length)) {
                return null;
            }
            return drainWaiters(r);
        });
        if (wake == null) {
            return false;
        }
        store.messenger().wakeAll(wake);
        return true;
    }

    private static boolean removeFirst(List<Lock> locks, OwnerId owner, long offset, long length) {
        for (Iterator<Lock> it = locks.iterator(); it.hasNext();) {
            Lock e = it.next();
            if (e.owner.equals(owner) && e.offset == offset && e.length == length) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Drops every lock of {@code owner} (the handle is closing). */
    public void releaseAll(FileKey file, OwnerId owner) {
        List<Waiter> wake = store.locked(() -> {
            FileRecord r = store.get(file);
            if (r == null || !r.locks.removeIf(e -> e.owner.equals(owner))) {
                return List.<Waiter>of();
            }
            return drainWaiters(r);
        });
        store.messenger().wakeAll(wake);
    }

    /** 2.1.4.10: a read conflicts with another owner's exclusive lock; a write also with any shared lock. */
    public boolean conflicts(FileKey file, OwnerId owner, long offset, long length, boolean write) {
        if (length == 0) {
            return false; // a zero-byte read or write touches no byte
        }
        return store.locked(() -> {
            FileRecord r = store.get(file);
            if (r == null) {
                return false;
            }
            for (Lock e : r.locks) {
                if (e.overlaps(offset, length) && ((e.exclusive && !e.owner.equals(owner)) || (write && !e.exclusive))) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Grants {@code l} now, or leaves {@code waiter} in the record to be woken by the next unlock; one atomic step,
     * so that no unlock between the try and the registration is missed. True when granted.
     *
     * @throws Smb2Exception INSUFFICIENT_RESOURCES when {@link FileRecord#MAX_WAITERS_PER_FILE} locks wait already
     */
    public boolean lockOrWait(FileKey file, Lock l, Waiter waiter) throws Smb2Exception {
        return store.locked(() -> {
            if (tryLock(file, l)) {
                return true;
            }
            FileRecord r = store.getOrCreate(file);
            if (r.lockWaiters.size() >= FileRecord.MAX_WAITERS_PER_FILE) {
                LOG.warning("pid " + OwnerId.SELF_PID + ": blocking lock on file " + file + " refused: "
                        + r.lockWaiters.size() + " locks wait (at most " + FileRecord.MAX_WAITERS_PER_FILE + ")");
                throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, r.lockWaiters.size() + " blocking locks"
                        + " already wait on this file (at most " + FileRecord.MAX_WAITERS_PER_FILE + ")");
            }
            r.lockWaiters.add(waiter);
            return false;
        });
    }

    /** Takes {@code waiter} out of the record (its request was canceled or its handle closed). */
    public void removeWaiter(FileKey file, Waiter waiter) {
        store.locked(() -> {
            FileRecord r = store.get(file);
            if (r != null) {
                r.lockWaiters.remove(waiter);
            }
            return null;
        });
    }

    /** The waiters of {@code r}, taken out to be woken once; a waiter still blocked registers again. */
    private static List<Waiter> drainWaiters(FileRecord r) {
        List<Waiter> w = List.copyOf(r.lockWaiters);
        r.lockWaiters.clear();
        return w;
    }
}
