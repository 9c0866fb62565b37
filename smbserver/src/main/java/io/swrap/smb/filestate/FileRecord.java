package io.swrap.smb.filestate;

import io.swrap.smb.oplock.FileOplocks;
import io.swrap.smb.oplock.Oplocks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * One file's state, Samba's share_mode_data: the share-mode entries of its opens and its delete-pending flag,
 * its byte-range locks and the blocking locks waiting on them, its oplock and lease grants and the CREATEs
 * waiting for their breaks. Everything here is values (owner ids, ranges, levels, waiter tickets), so that a
 * record can be written to shared memory and read back ({@link #encode}, {@link #decode}); it is touched only
 * inside a {@link FileStore#locked} section, by the three views on it ({@link ShareModes},
 * {@link ByteRangeLocks}, {@link Oplocks}).
 */
public final class FileRecord {
    /** Share-mode entries (opens) of one file; beyond, a CREATE fails with INSUFFICIENT_RESOURCES. */
    public static final int MAX_OPENS_PER_FILE = 4096;
    /** Requests waiting on one file, blocking locks and CREATEs each; beyond, INSUFFICIENT_RESOURCES. */
    public static final int MAX_WAITERS_PER_FILE = 4096;
    private static final int FORMAT = 0x4652_0001; // "FR", version 1
    public static final int OWNER_BYTES = 5 * Long.BYTES;
    public static final int WAITER_BYTES = 2 * Long.BYTES + Integer.BYTES;

    final FileKey key;
    final List<ShareModes.Entry> opens = new ArrayList<>();
    boolean deletePending;
    final List<ByteRangeLocks.Lock> locks = new ArrayList<>();
    final List<Waiter> lockWaiters = new ArrayList<>();
    private final FileOplocks oplocks;

    FileRecord(FileKey key) {
        this.key = key;
        this.oplocks = new FileOplocks(key);
    }

    public FileKey key() {
        return key;
    }

    /** The oplock part, for {@link Oplocks}; inside a locked section. */
    public FileOplocks oplocks() {
        return oplocks;
    }

    boolean unused() {
        // a delete-pending file without opens is kept while opens of its streams hold its deletion back
        return opens.isEmpty() && !deletePending && locks.isEmpty() && lockWaiters.isEmpty() && oplocks.unused();
    }

    /** Whether a process other than {@code pid} holds an open of this file (or stream). */
    boolean openedByOtherThan(long pid) {
        for (ShareModes.Entry e : opens) {
            if (e.owner.pid() != pid) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives what {@code from} holds (its share-mode entry, byte-range locks and oplock or lease grant) to
     * {@code to}; returns how many entries moved.
     */
    int transfer(OwnerId from, OwnerId to) {
        int n = 0;
        for (int i = 0; i < opens.size(); i++) {
            ShareModes.Entry e = opens.get(i);
            if (e.owner.equals(from)) {
                opens.set(i, new ShareModes.Entry(to, e.access, e.share));
                n++;
            }
        }
        for (int i = 0; i < locks.size(); i++) {
            ByteRangeLocks.Lock l = locks.get(i);
            if (l.owner().equals(from)) {
                locks.set(i, new ByteRangeLocks.Lock(to, l.offset(), l.length(), l.exclusive()));
                n++;
            }
        }
        return n + (oplocks.transfer(from, to) ? 1 : 0);
    }

    /** Drops what processes {@code alive} rejects own; returns how many entries went. */
    int dropDead(LongPredicate alive) {
        int before = opens.size() + locks.size() + lockWaiters.size();
        opens.removeIf(e -> !alive.test(e.owner.pid()));
        locks.removeIf(l -> !alive.test(l.owner().pid()));
        lockWaiters.removeIf(w -> !alive.test(w.pid()));
        int n = before - opens.size() - locks.size() - lockWaiters.size() + oplocks.dropDead(alive);
        if (opens.isEmpty()) {
            deletePending = false; // goes with the last open, as on a close
        }
        return n;
    }

    /** Takes every waiter out, to be woken (each tries again and waits anew if it must). */
    List<Waiter> drainAllWaiters() {
        List<Waiter> w = new ArrayList<>(lockWaiters);
        lockWaiters.clear();
        w.addAll(oplocks.drainWaiters());
        return w;
    }

    /** The record as bytes, in this machine's byte order (the file is for the processes of one machine). */
    public byte[] encode() {
        int size = Integer.BYTES + 1 + 3 * Integer.BYTES + opens.size() * (OWNER_BYTES + 2 * Integer.BYTES)
                + locks.size() * (OWNER_BYTES + 2 * Long.BYTES + 1) + lockWaiters.size() * WAITER_BYTES
                + oplocks.encodedSize();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        b.putInt(FORMAT);
        b.put((byte) (deletePending ? 1 : 0));
        b.putInt(opens.size());
        for (ShareModes.Entry e : opens) {
            putOwner(b, e.owner);
            b.putInt(e.access).putInt(e.share);
        }
        b.putInt(locks.size());
        for (ByteRangeLocks.Lock l : locks) {
            putOwner(b, l.owner());
            b.putLong(l.offset()).putLong(l.length()).put((byte) (l.exclusive() ? 1 : 0));
        }
        b.putInt(lockWaiters.size());
        for (Waiter w : lockWaiters) {
            putWaiter(b, w);
        }
        oplocks.encode(b);
        if (b.hasRemaining()) {
            throw new IllegalStateException("record of file " + key + ": " + b.remaining() + " of " + size
                    + " bytes not written");
        }
        return b.array();
    }

    /**
     * The record {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not such a record (a count beyond its limit, a short
     *         buffer, an unknown format), naming what is wrong
     */
    public static FileRecord decode(FileKey key, ByteBuffer b) {
        b.order(ByteOrder.nativeOrder());
        try {
            int format = b.getInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("format 0x" + Integer.toHexString(format) + " (expected: 0x"
                        + Integer.toHexString(FORMAT) + ")");
            }
            FileRecord r = new FileRecord(key);
            r.deletePending = b.get() != 0;
            for (int i = count(b, MAX_OPENS_PER_FILE, "share-mode entries"); i > 0; i--) {
                r.opens.add(new ShareModes.Entry(owner(b), b.getInt(), b.getInt()));
            }
            for (int i = count(b, ByteRangeLocks.MAX_LOCKS_PER_FILE, "byte-range locks"); i > 0; i--) {
                r.locks.add(new ByteRangeLocks.Lock(owner(b), b.getLong(), b.getLong(), b.get() != 0));
            }
            for (int i = count(b, MAX_WAITERS_PER_FILE, "lock waiters"); i > 0; i--) {
                r.lockWaiters.add(waiter(b));
            }
            r.oplocks.decode(b);
            return r;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("record of file " + key + " ends early (" + b.limit() + " bytes)", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("record of file " + key + ": " + e.getMessage(), e);
        }
    }

    /** A count of entries, checked against its limit. */
    public static int count(ByteBuffer b, int max, String what) {
        int n = b.getInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(what + ": " + n + " (expected: 0.." + max + ")");
        }
        return n;
    }

    public static void putOwner(ByteBuffer b, OwnerId o) {
        b.putLong(o.clientGuidHi()).putLong(o.clientGuidLo()).putLong(o.persistentId()).putLong(o.volatileId())
                .putLong(o.pid());
    }

    public static OwnerId owner(ByteBuffer b) {
        return new OwnerId(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    public static void putWaiter(ByteBuffer b, Waiter w) {
        b.putLong(w.pid()).putInt(w.worker()).putLong(w.ticket());
    }

    public static Waiter waiter(ByteBuffer b) {
        return new Waiter(b.getLong(), b.getInt(), b.getLong());
    }
}
