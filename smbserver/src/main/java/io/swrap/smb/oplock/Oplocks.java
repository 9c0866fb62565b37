package io.swrap.smb.oplock;

import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.FileRecord;
import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.Waiter;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * The oplock and lease view of the {@link FileStore} (one per server process, shared by all event loops; every
 * method is atomic under the store's lock): each file's grants and waiting CREATEs live in its
 * {@link FileRecord} with the leases they belong to (a lease key names one file). An open of a file goes {@link #prepare} (the breaks it causes) → possibly
 * {@link #await} (until the holders acknowledge) → {@link #grant} → ... → {@link #release}.
 *
 * <p>Semantics, as Windows and Samba show them to SMB2 clients: a batch or exclusive oplock and a lease's
 * W are given up when another open arrives (to level II / to RH), everything is broken to none when an
 * open overwrites the file, level II and R are broken to none by a write through another open, a lease's
 * H is broken when it stands in the way of a share mode. Breaks of batch/exclusive oplocks and of leases
 * holding W or H need an acknowledgment; the opens that caused them wait for it, at most
 * {@link #BREAK_TIMEOUT}, after which the holder is treated as having acknowledged.
 */
public final class Oplocks {
    /** [MS-SMB2] 3.3.2.1 Oplock Break Acknowledgment Timer: Windows and Samba wait 35 s. */
    public static final Duration BREAK_TIMEOUT = Duration.ofSeconds(35);
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Oplocks.class.getName());

    private final FileStore store;
    /**
     * This process's index of the files its opens' grants and its clients' leases are on (a ClientGuid is served
     * by one process); the grants and leases themselves are in the files' records.
     */
    private final Map<OwnerId, FileKey> ownerFiles = new HashMap<>();
    private final Map<String, FileKey> leaseFiles = new HashMap<>();
    private final boolean leasing;

    /** @param leasing whether leases are granted at all (smb.conf {@code smb2 leases}) */
    public Oplocks(FileStore store, boolean leasing) {
        this.store = store;
        this.leasing = leasing;
    }

    /** The oplock part of {@code file}'s record, or null; in a locked section. */
    private FileOplocks file(FileKey file) {
        FileRecord r = file == null ? null : store.get(file);
        return r == null ? null : r.oplocks();
    }

    /** The grant of {@code owner}, or null; in a locked section. */
    private Grant grantOf(OwnerId owner) {
        FileOplocks f = file(ownerFiles.get(owner));
        return f == null ? null : f.grant(owner);
    }

    /** The lease {@code id}, or null; in a locked section. */
    private Lease leaseOf(String id) {
        FileOplocks f = file(leaseFiles.get(id));
        return f == null ? null : f.lease(id);
    }

    /**
     * The breaks an open of {@code file} described by {@code r} causes now. Breaks already in progress
     * are not repeated; whether the open must wait is {@link #await}'s question.
     *
     * @throws Smb2Exception INVALID_PARAMETER when the lease key is in use for another file of the client
     */
    public List<BreakNotice> prepare(FileKey file, OplockRequest r) throws Smb2Exception {
        return store.locked(() -> {
            checkLeaseKey(file, r);
            FileOplocks f = file(file);
            if (f == null || r.statOpen()) { // a stat open for oplocks is one for leases too
                return List.of();
            }
            // another open takes away write caching; one that overwrites the file, everything (a stat open: nothing)
            return breakOthers(f, g -> sameLease(g, r) || g.lease != null && r.leaseStatOpen(),
                    state -> r.overwrite() ? LeaseState.NONE : state & ~LeaseState.WRITE,
                    level -> r.overwrite() ? OplockLevel.NONE : OplockLevel.exclusive(level) ? OplockLevel.II : level);
        });
    }

    /**
     * The breaks an open of {@code file} causes when its share mode conflicts with the opens there
     * ([MS-FSA] 2.1.5.1.2: on a sharing violation only what caches handles is broken — a lease's H, a batch
     * oplock to level II — so that a holder who closed its handle in its own view can close it for real;
     * then the share check runs again). Empty when nothing such is held, and the violation stands.
     */
    public List<BreakNotice> prepareSharingViolationBreak(FileKey file, OplockRequest r) {
        return store.locked(() -> {
            FileOplocks f = file(file);
            if (f == null) {
                return List.of();
            }
            return breakOthers(f, g -> sameLease(g, r), state -> state & ~LeaseState.HANDLE,
                    level -> level == OplockLevel.BATCH ? OplockLevel.II : level);
        });
    }

    /**
     * The lease of the open {@code owner} as a request of its own key (to break and wait on the file's other
     * leases, never its own), or null when the open holds no lease.
     */
    public OplockRequest leaseRequestOf(OwnerId owner) {
        return store.locked(() -> {
            Grant g = grantOf(owner);
            if (g == null || g.lease == null) {
                return null;
            }
            Lease l = g.lease;
            return new OplockRequest(l.clientGuid, OplockLevel.LEASE, l.key.clone(), l.state, l.version, l.epoch,
                    null, false, false, false, false);
        });
    }

    /**
     * The breaks of handle caching an open {@code r} (of a lease or not) causes when the file's name is to go:
     * every other lease of {@code file} gives up H, and the caller waits for the acknowledgments
     * ({@link #leaseBreaking}), as Windows and Samba do, since a client caching a handle must close it first: a
     * rename through a leased open (smb2.lease.rename_wait) and the close of a delete-on-close open (unlink).
     */
    public List<BreakNotice> prepareHandleBreak(FileKey file, OplockRequest r) {
        return store.locked(() -> {
            FileOplocks f = file(file);
            if (f == null) {
                return List.of();
            }
            return breakOthers(f, g -> g.lease == null || sameLease(g, r), state -> state & ~LeaseState.HANDLE,
                    level -> level);
        });
    }

    /** Whether a lease of {@code file} other than {@code r}'s awaits the acknowledgment of a break. */
    public boolean leaseBreaking(FileKey file, OplockRequest r) {
        return store.locked(() -> {
            FileOplocks f = file(file);
            return f != null && f.grants.stream().anyMatch(g -> g.lease != null && !sameLease(g, r) && awaitsAck(g));
        });
    }

    /**
     * What the open {@code owner} holds now, as a CREATE response would carry it (the lease's current
     * state and epoch); null when it has no grant.
     */
    public Granted held(OwnerId owner) {
        return store.locked(() -> {
            Grant g = grantOf(owner);
            if (g == null) {
                return null;
            }
            if (g.lease == null) {
                return Granted.oplock(g.level);
            }
            return granted(g.lease);
        });
    }

    private static Granted granted(Lease l) {
        return new Granted(OplockLevel.LEASE, l.key.clone(), l.state, l.version, l.epoch,
                l.parentKey == null ? null : l.parentKey.clone(), l.breakingTo >= 0);
    }

    /**
     * Whether a break of what {@code owner} holds awaits its acknowledgment (an open in that state whose
     * client goes away cannot acknowledge it: it is released rather than kept for a durable reconnect).
     */
    public boolean breakPending(OwnerId owner) {
        return store.locked(() -> {
            Grant g = grantOf(owner);
            return g != null && awaitsAck(g);
        });
    }

    /** Whether the lease {@code key} of client {@code clientGuid} is still held by some open. */
    public boolean leaseHeld(String clientGuid, byte[] key) {
        return store.locked(() -> {
            return leaseOf(Lease.id(clientGuid, key)) != null;
        });
    }

    /** Whether breaks of {@code file} await acknowledgments (so a conflicting open run again must wait). */
    public boolean breaking(FileKey file, OplockRequest r) {
        return breaking(file, r, false, false);
    }

    /**
     * Whether the open {@code r} must wait for the acknowledgment of breaks of {@code file}, right after
     * {@link #prepare} (or {@link #prepareSharingViolationBreak} when {@code sharingViolation}). As Windows and
     * Samba: an open run again after a wait waits for every break; on its first run it waits for an oplock's
     * break, for a lease that caches what it conflicts with (writes, or handles on a sharing violation), or
     * for a lease with nothing more to give up; a lease breaking from RH for an overwrite does not hold it
     * (smb2.lease.breaking4).
     */
    public boolean breaking(FileKey file, OplockRequest r, boolean firstAttempt, boolean sharingViolation) {
        int conflict = sharingViolation ? LeaseState.HANDLE : LeaseState.WRITE;
        return store.locked(() -> {
            FileOplocks f = file(file);
            return f != null && f.grants.stream().anyMatch(g -> {
                if (sameLease(g, r) || !awaitsAck(g)) {
                    return false;
                }
                if (g.lease == null || !firstAttempt || (g.lease.state & conflict) != 0) {
                    return true;
                }
                int target = sharingViolation ? g.lease.state & ~LeaseState.HANDLE
                        : r.overwrite() ? LeaseState.NONE : g.lease.state & ~LeaseState.WRITE;
                return (g.lease.state & ~target) == 0;
            });
        });
    }

    /**
     * Registers {@code resume} to run once a break of {@code file} is acknowledged, released or timed out,
     * if any awaits acknowledgment; returns the time until the oldest such break times out (then call
     * {@link #expire}), or null when nothing awaits and the caller goes on at once.
     */
    public Duration await(FileKey file, OplockRequest r, Waiter resume) throws Smb2Exception {
        return store.locked(() -> {
            FileOplocks f = file(file);
            if (f == null) {
                return null;
            }
            long oldest = Long.MAX_VALUE;
            for (Grant g : f.grants) {
                if (!sameLease(g, r) && awaitsAck(g)) {
                    oldest = Math.min(oldest, g.lease != null ? g.lease.breakStarted : g.breakStarted);
                }
            }
            if (oldest == Long.MAX_VALUE) {
                return null;
            }
            if (f.waiters.size() >= FileRecord.MAX_WAITERS_PER_FILE) {
                LOG.warning("pid " + OwnerId.SELF_PID + ": CREATE waiting for breaks of file " + file + " refused: "
                        + f.waiters.size() + " wait (at most " + FileRecord.MAX_WAITERS_PER_FILE + ")");
                throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, f.waiters.size() + " opens already wait"
                        + " for breaks of this file (at most " + FileRecord.MAX_WAITERS_PER_FILE + ")");
            }
            f.waiters.add(resume);
            return Duration.ofNanos(Math.max(0, oldest + BREAK_TIMEOUT.toNanos() - System.nanoTime()));
        });
    }

    /** Forgets a waiter (its request was canceled). */
    public void cancelWait(FileKey file, Waiter resume) {
        store.locked(() -> {
            FileOplocks f = file(file);
            if (f != null) {
                f.waiters.remove(resume);
            }
            return null;
        });
    }

    /**
     * Ends every break of {@code file} that awaited its acknowledgment for {@link #BREAK_TIMEOUT}: an oplock as
     * acknowledged at the level its break announced, a lease at none, as Windows and Samba do; wakes the waiters.
     */
    public void expire(FileKey file) {
        List<Waiter> wake = store.locked(() -> {
            FileOplocks f = file(file);
            if (f == null) {
                return List.<Waiter>of();
            }
            long now = System.nanoTime();
            for (Grant g : f.grants) {
                if (g.lease != null && g.lease.breakingTo >= 0
                        && now - g.lease.breakStarted >= BREAK_TIMEOUT.toNanos()) {
                    // a lease whose holder did not answer keeps nothing (smb2.lease.timeout: it is then ""; an
                    // oplock keeps the level its break announced)
                    g.lease.state = LeaseState.NONE;
                    g.lease.breakingTo = -1;
                    g.lease.breakRequired = -1;
                } else if (g.lease == null && g.breakingTo >= 0 && now - g.breakStarted >= BREAK_TIMEOUT.toNanos()) {
                    g.level = g.breakingTo;
                    g.breakingTo = -1;
                }
            }
            return drain(f);
        });
        store.messenger().wakeAll(wake);
    }

    /**
     * Records the open {@code owner} of {@code file} and what it may cache; call after the open
     * succeeded (and after {@link #prepare}'s breaks were acknowledged or timed out).
     */
    public Granted grant(FileKey file, OwnerId owner, OplockRequest r) {
        return store.locked(() -> {
            // a stat open gets no oplock, but may hold a lease (its key's state; smb2.lease.statopen)
            if (r.statOpen() && !(r.isLease() && leasing && !r.directory())) {
                return Granted.oplock(OplockLevel.NONE);
            }
            FileOplocks f = store.getOrCreate(file).oplocks();
            boolean others = f.grants.stream().anyMatch(g -> !sameLease(g, r));
            boolean exclusiveLeft = f.grants.stream().anyMatch(g -> !sameLease(g, r)
                    && (OplockLevel.exclusive(g.level) || g.lease != null && (g.lease.state & LeaseState.WRITE) != 0));
            if (r.isLease() && leasing && !r.directory()) {
                // another open's oplock (level II too) denies handle caching (smb2.lease.oplock: an RH request next
                // to a level II oplock gets R)
                boolean oplockHeld = f.grants.stream().anyMatch(g -> g.lease == null && g.level != OplockLevel.NONE);
                return grantLease(f, owner, r, others || exclusiveLeft, oplockHeld);
            } else if (r.level() != OplockLevel.LEASE && !r.directory()) {
                int level = r.level();
                if (OplockLevel.exclusive(level) && others) {
                    level = OplockLevel.II;
                }
                // no oplock beside a lease that caches handles or writes (smb2.lease.oplock: a level II request
                // next to an RH lease gets none, as in Windows and Samba)
                boolean handleLease = f.leases.stream().anyMatch(l -> (l.state & LeaseState.HANDLE) != 0);
                if (level == OplockLevel.II && (exclusiveLeft || handleLease)) {
                    level = OplockLevel.NONE;
                }
                if (level != OplockLevel.II && !OplockLevel.exclusive(level)) {
                    level = OplockLevel.NONE;
                }
                add(f, new Grant(owner, f, level, null));
                return Granted.oplock(level);
            }
            add(f, new Grant(owner, f, OplockLevel.NONE, null));
            return Granted.oplock(OplockLevel.NONE);
        });
    }

    /**
     * [MS-SMB2] 3.3.5.9.8 / 3.3.5.9.11: a lease is answered even when it grants nothing (state 0, as Windows and
     * Samba answer smb2.lease.request's none, H, W and HW); a second open with a held key may upgrade it by
     * {@link LeaseState#upgrade}, never downgrade it.
     */
    private Granted grantLease(FileOplocks f, OwnerId owner, OplockRequest r, boolean shared, boolean oplockHeld) {
        int want = LeaseState.grantable(r.leaseState());
        if (shared) {
            want &= ~LeaseState.WRITE;
        }
        if (oplockHeld) {
            want &= ~LeaseState.HANDLE;
        }
        String id = Lease.id(r.clientGuid(), r.leaseKey());
        Lease l = f.lease(id);
        if (l == null) {
            l = new Lease(r.clientGuid(), r.leaseKey(), r.leaseVersion(), r.parentLeaseKey(), f);
            l.state = want;
            // 3.3.5.9.11: a new v2 lease's epoch is the client's plus one (the first state change; none when
            // nothing is granted)
            l.epoch = r.leaseVersion() >= 2 ? (r.leaseEpoch() + (want != LeaseState.NONE ? 1 : 0)) & 0xFFFF : 0;
            f.leases.add(l);
            leaseFiles.put(id, f.key);
        } else if (l.breakingTo < 0) {
            int upgraded = LeaseState.upgrade(l.state, r.leaseState(), want);
            if (upgraded != l.state) {
                l.state = upgraded;
                if (l.version >= 2) {
                    l.epoch = (l.epoch + 1) & 0xFFFF;
                }
            }
        }
        Grant g = new Grant(owner, f, OplockLevel.LEASE, l);
        l.grants.add(g);
        add(f, g);
        return granted(l);
    }

    /**
     * [MS-SMB2] 3.3.5.22.1 Oplock Break Acknowledgment from {@code owner} with {@code level}; returns the
     * level now held.
     */
    public int acknowledgeOplock(OwnerId owner, int level) throws Smb2Exception {
        List<Waiter> wake = store.locked(() -> {
            Grant g = grantOf(owner);
            if (g == null || g.lease != null || g.breakingTo < 0) {
                throw new Smb2Exception(NtStatus.INVALID_OPLOCK_PROTOCOL, "oplock break acknowledgment for an open"
                        + " with no oplock break in progress");
            }
            if (level != OplockLevel.NONE && level != OplockLevel.II || level > g.breakingTo) {
                throw new Smb2Exception(NtStatus.INVALID_OPLOCK_PROTOCOL, "oplock break acknowledged with level "
                        + OplockLevel.name(level) + " (expected: " + OplockLevel.name(g.breakingTo)
                        + (g.breakingTo == OplockLevel.II ? " or none)" : ")"));
            }
            g.level = level;
            g.breakingTo = -1;
            return drain(g.file);
        });
        store.messenger().wakeAll(wake);
        return level;
    }

    /**
     * [MS-SMB2] 3.3.5.22.2 Lease Break Acknowledgment; the lease's new state, and the further break when opens
     * that came during the break need it lower ({@link Lease#breakRequired}), to be sent after the response.
     */
    public Acknowledged acknowledgeLease(String clientGuid, byte[] key, int state) throws Smb2Exception {
        List<BreakNotice> further = new ArrayList<>();
        List<Waiter> wake = store.locked(() -> {
            Lease l = clientGuid == null ? null : leaseOf(Lease.id(clientGuid, key));
            if (l == null) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "lease break acknowledgment for an unknown"
                        + " lease key of this client");
            }
            if (l.breakingTo < 0) {
                throw new Smb2Exception(NtStatus.UNSUCCESSFUL, "lease break acknowledgment while no break of " + l
                        + " is in progress");
            }
            if ((state & ~l.breakingTo) != 0) {
                throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "lease break acknowledged with state "
                        + LeaseState.name(state) + ", more than the " + LeaseState.name(l.breakingTo) + " announced");
            }
            int required = l.breakRequired;
            l.state = state;
            l.breakingTo = -1;
            l.breakRequired = -1;
            if ((state & ~required) != 0) {
                further.add(continueBreak(l, required));
            }
            return drain(l.file);
        });
        store.messenger().wakeAll(wake);
        return new Acknowledged(state, further);
    }

    /** A lease's state after an acknowledgment and the break that follows it, if any. */
    public record Acknowledged(int state, List<BreakNotice> further) {
    }

    /**
     * The break after an acknowledgment that left {@code l} above {@code required}: in steps, as Windows does
     * (smb2.lease.breaking3: RH goes to R, acknowledged, then R to none); a lease caching only reads goes at once
     * and without acknowledgment. The epoch stays: the break continues the acknowledged one.
     */
    private static BreakNotice continueBreak(Lease l, int required) {
        boolean ack = (l.state & (LeaseState.WRITE | LeaseState.HANDLE)) != 0;
        return sendBreak(l, ack ? required | LeaseState.READ : required, required, ack);
    }

    /**
     * A write or a byte-range lock through {@code writer} ([MS-FSA] 2.1.5.3, 2.1.5.7; smb2.oplock levelii500,
     * brl1, brl3): every level II oplock of the file goes to none, the writer's own too (its cache is as stale
     * as the others'), and every read lease but the writer's own. Nothing to acknowledge.
     */
    public List<BreakNotice> written(FileKey file, OwnerId writer) {
        return store.locked(() -> {
            FileOplocks f = file(file);
            Grant self = grantOf(writer);
            if (f == null) {
                return List.of();
            }
            return breakOthers(f, g -> self != null && self.lease != null && g.lease == self.lease,
                    state -> (state & LeaseState.READ) != 0 ? LeaseState.NONE : state,
                    level -> level == OplockLevel.II ? OplockLevel.NONE : level);
        });
    }

    /**
     * The grant of {@code owner} moved to another process with its open (a durable hand-over): this process no
     * longer indexes it; in a locked section. Its lease stays indexed while this process's other opens share it.
     */
    public void forget(OwnerId owner) {
        ownerFiles.remove(owner);
    }

    /**
     * The grant of {@code owner} on {@code file} came from another process with its open (a durable hand-over):
     * this process indexes it and its lease; what it holds now, or null when the record has no grant for it.
     */
    public Granted adopt(FileKey file, OwnerId owner) {
        return store.locked(() -> {
            FileOplocks f = file(file);
            Grant g = f == null ? null : f.grant(owner);
            if (g == null) {
                return null;
            }
            ownerFiles.put(owner, file);
            if (g.lease == null) {
                return Granted.oplock(g.level);
            }
            leaseFiles.put(g.lease.id(), file);
            return granted(g.lease);
        });
    }

    /** The open {@code owner} closed: its grant goes, its lease with its last open; waiters wake. */
    public void release(OwnerId owner) {
        List<Waiter> wake = store.locked(() -> {
            Grant g = grantOf(owner);
            ownerFiles.remove(owner);
            if (g == null) {
                return List.<Waiter>of();
            }
            g.file.grants.remove(g);
            if (g.lease != null) {
                g.lease.grants.remove(g);
                if (g.lease.grants.isEmpty()) {
                    g.file.leases.remove(g.lease);
                    leaseFiles.remove(g.lease.id(), g.file.key);
                }
            }
            return drain(g.file);
        });
        store.messenger().wakeAll(wake);
    }

    private void checkLeaseKey(FileKey file, OplockRequest r) throws Smb2Exception {
        if (!r.isLease()) {
            return;
        }
        Lease l = leaseOf(Lease.id(r.clientGuid(), r.leaseKey()));
        if (l != null && !l.file.key.equals(file)) {
            // 3.3.5.9.8: one lease key names one file (any of its hard links)
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "lease key in use for file " + l.file.key
                    + ", requested for file " + file);
        }
    }

    /**
     * Breaks what the opens of {@code f} other than the {@code exempt} ones hold, each lease once: a lease to
     * {@code leaseTo(state)}, an oplock to {@code oplockTo(level)}; where the target equals what is held, or
     * a break is already in progress, nothing happens.
     */
    private static List<BreakNotice> breakOthers(FileOplocks f, Predicate<Grant> exempt,
            IntUnaryOperator leaseTo, IntUnaryOperator oplockTo) {
        List<BreakNotice> out = new ArrayList<>();
        Set<Lease> seen = new LinkedHashSet<>();
        for (Grant g : f.grants) {
            if (exempt.test(g)) {
                continue;
            }
            Lease l = g.lease;
            if (l != null) {
                if (seen.add(l) && l.breakingTo < 0) {
                    int to = leaseTo.applyAsInt(l.state);
                    if (to != l.state) {
                        out.add(breakLease(l, to));
                    }
                } else if (l.breakingTo >= 0) {
                    // a break in progress is not announced again; what it must reach may go lower (smb2.lease
                    // breaking3: an overwrite during a break of RWH to RH), which the acknowledgment continues to
                    l.breakRequired &= leaseTo.applyAsInt(l.state);
                }
            } else if (g.breakingTo < 0) {
                int to = oplockTo.applyAsInt(g.level);
                if (to != g.level) {
                    out.add(breakOplock(g, to));
                }
            }
        }
        return out;
    }

    private static boolean sameLease(Grant g, OplockRequest r) {
        return g.lease != null && r.isLease() && g.lease.clientGuid.equals(r.clientGuid())
                && Arrays.equals(g.lease.key, r.leaseKey());
    }

    private static boolean awaitsAck(Grant g) {
        return g.lease != null ? g.lease.breakingTo >= 0 : g.breakingTo >= 0;
    }

    /** Breaks a lease; one that caches writes or handles must acknowledge (2.2.23.2 ACK_REQUIRED). */
    private static BreakNotice breakLease(Lease l, int to) {
        boolean ack = (l.state & (LeaseState.WRITE | LeaseState.HANDLE)) != 0;
        if (l.version >= 2) {
            l.epoch = (l.epoch + 1) & 0xFFFF;
        }
        return sendBreak(l, to, to, ack);
    }

    /** Starts a break of {@code l} to {@code to}: awaited when it needs an acknowledgment, else applied now. */
    private static BreakNotice sendBreak(Lease l, int to, int required, boolean ack) {
        int from = l.state;
        if (ack) {
            l.breakingTo = to;
            l.breakRequired = required;
            l.breakStarted = System.nanoTime();
        } else {
            l.state = to;
        }
        return new BreakNotice.LeaseBreak(l.clientGuid, l.key.clone(), l.version, from, to, l.epoch, ack);
    }

    /** Breaks an oplock; a level II oplock goes to none at once, without acknowledgment. */
    private static BreakNotice breakOplock(Grant g, int to) {
        boolean ack = OplockLevel.exclusive(g.level);
        if (ack) {
            g.breakingTo = to;
            g.breakStarted = System.nanoTime();
        } else {
            g.level = to;
        }
        return new BreakNotice.Oplock(g.owner, to, ack);
    }

    private void add(FileOplocks f, Grant g) {
        f.grants.add(g);
        ownerFiles.put(g.owner, f.key);
    }

    private static List<Waiter> drain(FileOplocks f) {
        List<Waiter> w = List.copyOf(f.waiters);
        f.waiters.clear();
        return w;
    }
}
