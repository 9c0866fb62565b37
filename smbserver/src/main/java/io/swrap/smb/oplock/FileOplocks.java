package io.swrap.smb.oplock;

import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.FileRecord;
import io.swrap.smb.filestate.Waiter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * One file's grants, the leases they belong to, and the CREATEs waiting for acknowledgments of its breaks: the
 * oplock part of its {@link FileRecord}. A lease key names one file ([MS-SMB2] 3.3.5.9.8), so a lease's state
 * (level, epoch, the break in progress) lives here, with the file, and its grants refer to it; as bytes, a grant
 * refers to its lease by index. Break start times are {@link System#nanoTime} values, which on Linux
 * (CLOCK_MONOTONIC) the processes of one machine share.
 */
public final class FileOplocks {
    private static final int MAX_GUID_BYTES = 64;
    private static final int MAX_KEY_BYTES = 16;

    final List<Grant> grants = new ArrayList<>();
    final List<Lease> leases = new ArrayList<>();
    final List<Waiter> waiters = new ArrayList<>();
    final FileKey key;

    public FileOplocks(FileKey key) {
        this.key = key;
    }

    public boolean unused() {
        return grants.isEmpty() && waiters.isEmpty() && leases.isEmpty();
    }

    /** Drops the grants of dead processes (and leases left without grants) and their waiters; how many went. */
    public int dropDead(LongPredicate alive) {
        int before = grants.size() + waiters.size();
        for (Grant g : List.copyOf(grants)) {
            if (!alive.test(g.owner.pid())) {
                grants.remove(g);
                if (g.lease != null) {
                    g.lease.grants.remove(g);
                }
            }
        }
        leases.removeIf(l -> l.grants.isEmpty());
        waiters.removeIf(w -> !alive.test(w.pid()));
        return before - grants.size() - waiters.size();
    }

    /** Takes the waiting CREATEs out, to be woken. */
    public List<Waiter> drainWaiters() {
        List<Waiter> w = List.copyOf(waiters);
        waiters.clear();
        return w;
    }

    /**
     * Moves the grant of {@code from} to {@code to} (a durable open handed over to another process), keeping its
     * level, lease and break in progress; false when {@code from} has none.
     */
    public boolean transfer(io.swrap.smb.filestate.OwnerId from, io.swrap.smb.filestate.OwnerId to) {
        Grant g = grant(from);
        if (g == null) {
            return false;
        }
        Grant moved = new Grant(to, this, g.level, g.lease);
        moved.breakingTo = g.breakingTo;
        moved.breakStarted = g.breakStarted;
        grants.set(grants.indexOf(g), moved);
        if (g.lease != null) {
            g.lease.grants.set(g.lease.grants.indexOf(g), moved);
        }
        return true;
    }

    Lease lease(String id) {
        for (Lease l : leases) {
            if (l.id().equals(id)) {
                return l;
            }
        }
        return null;
    }

    Grant grant(io.swrap.smb.filestate.OwnerId owner) {
        for (Grant g : grants) {
            if (g.owner.equals(owner)) {
                return g;
            }
        }
        return null;
    }

    public int encodedSize() {
        int n = 3 * Integer.BYTES + waiters.size() * FileRecord.WAITER_BYTES
                + grants.size() * (FileRecord.OWNER_BYTES + 3 * Integer.BYTES + Long.BYTES);
        for (Lease l : leases) {
            n += Short.BYTES + l.clientGuid.getBytes(StandardCharsets.UTF_8).length + 2 + l.key.length
                    + (l.parentKey == null ? 0 : l.parentKey.length) + 5 * Integer.BYTES + Long.BYTES;
        }
        return n;
    }

    public void encode(ByteBuffer b) {
        b.putInt(leases.size());
        for (Lease l : leases) {
            byte[] guid = l.clientGuid.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) guid.length).put(guid);
            b.put((byte) l.key.length).put(l.key);
            b.put((byte) (l.parentKey == null ? 0 : l.parentKey.length));
            if (l.parentKey != null) {
                b.put(l.parentKey);
            }
            b.putInt(l.version).putInt(l.state).putInt(l.epoch).putInt(l.breakingTo).putInt(l.breakRequired)
                    .putLong(l.breakStarted);
        }
        b.putInt(grants.size());
        for (Grant g : grants) {
            FileRecord.putOwner(b, g.owner);
            b.putInt(g.level).putInt(g.breakingTo).putLong(g.breakStarted).putInt(g.lease == null ? -1
                    : leases.indexOf(g.lease));
        }
        b.putInt(waiters.size());
        for (Waiter w : waiters) {
            FileRecord.putWaiter(b, w);
        }
    }

    /** Fills this (empty) part from what {@link #encode} wrote; IllegalArgumentException when it is not that. */
    public void decode(ByteBuffer b) {
        for (int i = FileRecord.count(b, FileRecord.MAX_OPENS_PER_FILE, "leases"); i > 0; i--) {
            String guid = new String(bytes(b, b.getShort(), MAX_GUID_BYTES, "ClientGuid"), StandardCharsets.UTF_8);
            byte[] key = bytes(b, b.get(), MAX_KEY_BYTES, "lease key");
            int parentLength = b.get();
            byte[] parent = parentLength == 0 ? null : bytes(b, parentLength, MAX_KEY_BYTES, "parent lease key");
            Lease l = new Lease(guid, key, b.getInt(), parent, this);
            l.state = b.getInt();
            l.epoch = b.getInt();
            l.breakingTo = b.getInt();
            l.breakRequired = b.getInt();
            l.breakStarted = b.getLong();
            leases.add(l);
        }
        for (int i = FileRecord.count(b, FileRecord.MAX_OPENS_PER_FILE, "grants"); i > 0; i--) {
            io.swrap.smb.filestate.OwnerId owner = FileRecord.owner(b);
            int level = b.getInt();
            int breakingTo = b.getInt();
            long started = b.getLong();
            int lease = b.getInt();
            if (lease < -1 || lease >= leases.size()) {
                throw new IllegalArgumentException("grant of " + owner + " refers to lease " + lease + " of "
                        + leases.size());
            }
            Grant g = new Grant(owner, this, level, lease < 0 ? null : leases.get(lease));
            g.breakingTo = breakingTo;
            g.breakStarted = started;
            grants.add(g);
            if (g.lease != null) {
                g.lease.grants.add(g);
            }
        }
        for (int i = FileRecord.count(b, FileRecord.MAX_WAITERS_PER_FILE, "waiting CREATEs"); i > 0; i--) {
            waiters.add(FileRecord.waiter(b));
        }
    }

    private static byte[] bytes(ByteBuffer b, int n, int max, String what) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(what + ": " + n + " bytes (expected: 0.." + max + ")");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
