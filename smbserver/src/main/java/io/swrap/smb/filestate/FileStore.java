package io.swrap.smb.filestate;

import io.swrap.smb.oplock.Oplocks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The server's table of {@link FileRecord}s by {@link FileKey}, under one lock (Samba's locking.tdb, with one
 * lock where Samba locks a record). The views {@link ShareModes}, {@link ByteRangeLocks} and {@link Oplocks}
 * work on the records inside {@link #locked} sections; so a CREATE's share check, the breaks it causes and the
 * grant it gets see one state. A record lives while anything is in it.
 *
 * <p>Where the records live is the {@link RecordBackend}'s business: this process's heap (one server process)
 * or a swrap-shm table that every worker of a prefork server maps ({@link ShmRecords}). A section is always
 * lock → read (decode) the records it touches → the views change them → write (encode) them back → unlock, so
 * the views never see whether the record is shared.
 */
public final class FileStore implements AutoCloseable {
    /** A body run holding the store's lock. */
    @FunctionalInterface
    public interface Section<T, E extends Exception> {
        T run() throws E;
    }

    private final RecordBackend backend;
    private final Messenger messenger;
    private final ShareModes shareModes;
    private final ByteRangeLocks locks;
    private final Oplocks oplocks;
    // touched only while the lock is held
    private int depth;
    private final Map<FileKey, FileRecord> touched = new LinkedHashMap<>();
    /** This process's share entries: the names its opens know their files by (a name is not shared). */
    private final Set<ShareModes.Entry> localEntries = Collections.newSetFromMap(new IdentityHashMap<>());

    /** One process's store in its heap. @param leasing whether leases are granted at all (smb.conf {@code smb2 leases}) */
    public FileStore(Messenger messenger, boolean leasing) {
        this(new HeapRecords(), messenger, leasing);
    }

    /** A store on {@code backend} (e.g. {@link ShmRecords#open}, shared by the processes that open its file). */
    public FileStore(RecordBackend backend, Messenger messenger, boolean leasing) {
        this.backend = backend;
        this.messenger = messenger;
        this.shareModes = new ShareModes(this);
        this.locks = new ByteRangeLocks(this);
        this.oplocks = new Oplocks(this, leasing);
    }

    /**
     * Runs {@code body} holding the store's lock (reentrant), the records it reads by {@link #get} written back
     * when the outermost section ends, also when it throws (what it changed before stays changed, as with
     * objects in memory), and dropped when nothing is left in them.
     */
    public <T, E extends Exception> T locked(Section<T, E> body) throws E {
        return backend.inLock(() -> {
            depth++;
            try {
                return body.run();
            } finally {
                if (--depth == 0) {
                    flush();
                }
            }
        });
    }

    private void flush() {
        try {
            for (FileRecord r : touched.values()) {
                if (r.unused()) {
                    backend.delete(r.key);
                } else {
                    backend.write(r);
                }
            }
        } finally {
            touched.clear();
        }
        if (backend.takeRepaired()) {
            // a process died holding the lock: its entries went with it (and those of any other dead process)
            List<Waiter> wake = purgeLocked(FileStore::alive);
            messenger.wakeAll(wake);
        }
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

    /** Whether this store is shared between processes (a prefork server's). */
    public boolean shared() {
        return backend.shared();
    }

    /** The record of {@code key}, or null; inside a {@link #locked} section. */
    public FileRecord get(FileKey key) {
        assert depth > 0 : "a file record read outside a locked section";
        FileRecord r = touched.get(key);
        if (r == null) {
            r = backend.read(key);
            if (r != null) {
                touched.put(key, r);
            }
        }
        return r;
    }

    /** The record of {@code key}, made when there is none; inside a {@link #locked} section. */
    public FileRecord getOrCreate(FileKey key) {
        FileRecord r = get(key);
        if (r == null) {
            r = new FileRecord(key);
            touched.put(key, r);
        }
        return r;
    }

    /**
     * The records of the named streams of the file {@code file} (its key with stream ""): those stored and those
     * made in this section; inside a {@link #locked} section.
     */
    public List<FileRecord> streamsOf(FileKey file) {
        assert depth > 0 : "file records read outside a locked section";
        Set<FileKey> keys = new java.util.LinkedHashSet<>(backend.streamsOf(file));
        for (FileKey k : touched.keySet()) {
            if (!k.stream().isEmpty() && k.file().equals(file)) {
                keys.add(k);
            }
        }
        List<FileRecord> out = new ArrayList<>(keys.size());
        for (FileKey k : keys) {
            FileRecord r = get(k);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * What {@link #admit} decided for a CREATE of an existing file: the breaks to deliver (always, also when the
     * open is refused), whether it must wait for their acknowledgments, or why it is refused.
     */
    public record Admission(List<io.swrap.smb.oplock.BreakNotice> breaks, boolean mustWait,
            io.swrap.smb.smb2.codec.Smb2Exception refused) {
        /** Throws the refusal (SHARING_VIOLATION, DELETE_PENDING, ...) if there is one. */
        public void throwIfRefused() throws io.swrap.smb.smb2.codec.Smb2Exception {
            if (refused != null) {
                throw refused;
            }
        }
    }

    /**
     * A CREATE of the existing file {@code key} in one locked section: the share check ([MS-FSA] 2.1.5.1.2: on a
     * sharing violation only what caches handles is broken, then the open checks again; otherwise the open
     * breaks what conflicts with it), the breaks it causes, and, unless it must wait for their acknowledgment
     * ({@code canWait} and breaks outstanding: [MS-SMB2] 3.3.5.9; {@code firstAttempt}: not run again after a
     * wait, see {@link io.swrap.smb.oplock.Oplocks#breaking(FileKey, io.swrap.smb.oplock.OplockRequest, boolean,
     * boolean)}), the acquire of {@code entry}. So no other open
     * comes between the check and the acquire, in this process or another.
     */
    public Admission admit(FileKey key, Path path, ShareModes.Entry entry, io.swrap.smb.oplock.OplockRequest request,
            boolean canWait, boolean firstAttempt) throws io.swrap.smb.smb2.codec.Smb2Exception {
        return locked(() -> {
            if (shareModes.isDeletePending(key)) {
                // [MS-FSA] 2.1.5.1.2.1: a delete-pending file fails the open before any oplock is looked at, so
                // it breaks nothing (smb2.oplock.doc)
                return new Admission(List.of(), false, new io.swrap.smb.smb2.codec.Smb2Exception(
                        io.swrap.smb.smb2.codec.NtStatus.DELETE_PENDING, path + " is marked for deletion"));
            }
            boolean violation = shareModes.violates(key, entry);
            List<io.swrap.smb.oplock.BreakNotice> breaks = violation
                    ? oplocks.prepareSharingViolationBreak(key, request) : oplocks.prepare(key, request);
            if (canWait && oplocks.breaking(key, request, firstAttempt, violation)) {
                return new Admission(breaks, true, null);
            }
            try {
                shareModes.acquire(key, path, entry);
            } catch (io.swrap.smb.smb2.codec.Smb2Exception e) {
                return new Admission(breaks, false, e);
            }
            return new Admission(breaks, false, null);
        });
    }

    /** Records held now (for tests and diagnostics). */
    public int size() {
        return locked(backend::size);
    }

    void acquiredLocally(ShareModes.Entry e) {
        localEntries.add(e);
    }

    void releasedLocally(ShareModes.Entry e) {
        localEntries.remove(e);
    }

    /**
     * Hands the open of {@code e} over to process {@code toPid} (a durable open reconnected in another worker of
     * a prefork server), in one locked section: its share-mode entry, byte-range locks and oplock or lease grant
     * in the file's record become the new owner's (the same ClientGuid and FileId, the pid {@code toPid}), and
     * this process forgets them (its open is then detached, not closed: nothing is released). Returns the new
     * owner.
     *
     * @throws IllegalStateException when the record holds no share-mode entry of {@code e} (a bug: released
     *     twice, handed over twice); nothing is changed then
     */
    public OwnerId transfer(ShareModes.Entry e, long toPid) {
        OwnerId from = e.owner();
        OwnerId to = new OwnerId(from.clientGuidHi(), from.clientGuidLo(), from.persistentId(), from.volatileId(),
                toPid);
        return locked(() -> {
            FileRecord r = e.key() == null ? null : get(e.key());
            if (r == null || r.opens.stream().noneMatch(o -> o.owner.equals(from))) {
                throw new IllegalStateException(from + " of " + e.path() + ": no share-mode entry in the record of "
                        + e.key() + " to hand over to process " + toPid);
            }
            r.transfer(from, to);
            releasedLocally(e);
            oplocks.forget(from);
            return to;
        });
    }

    /**
     * A rename of {@code from} to {@code to}: no key changes (the file is the same inode), only the names this
     * process's opens know their files by, for this file and everything below it.
     */
    public void renamed(Path from, Path to) {
        locked(() -> {
            for (ShareModes.Entry e : localEntries) {
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
            return null;
        });
    }

    /**
     * Whether a file below directory {@code dir} (at any depth) is open in this process, other than through
     * {@code dir}'s key. Names are per process: an open in another worker of a prefork server is not seen.
     */
    public boolean hasOpenBelow(Path dir) {
        return locked(() -> {
            for (ShareModes.Entry e : localEntries) {
                Path p = e.path();
                if (p != null && !p.equals(dir) && p.startsWith(dir)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * The files (keys without stream names) other processes hold open: empty unless the store is shared. One
     * locked section over every record (at most {@code ShmRecords.SLOTS}).
     */
    public Set<FileKey> openElsewhere() {
        if (!shared()) {
            return Set.of();
        }
        return locked(() -> {
            Set<FileKey> keys = new java.util.HashSet<>();
            for (FileRecord r : backend.all()) {
                if (r.openedByOtherThan(OwnerId.SELF_PID)) {
                    keys.add(r.key().file());
                }
            }
            return keys;
        });
    }

    /**
     * Dead-owner repair: drops every share entry, lock, grant, lease and waiter whose process {@code alive}
     * rejects, from every record, so that no file stays locked by a process that is gone; wakes the waiters
     * left on the files that changed (they try again). Returns the entries dropped.
     */
    public int purge(LongPredicate alive) {
        int[] dropped = new int[1];
        List<Waiter> wake = locked(() -> {
            List<Waiter> w = new ArrayList<>();
            for (FileRecord r : backend.all()) {
                int n = r.dropDead(alive);
                if (n > 0) {
                    dropped[0] += n;
                    w.addAll(r.drainAllWaiters());
                    touched.put(r.key, r);
                }
            }
            return w;
        });
        messenger.wakeAll(wake);
        return dropped[0];
    }

    /**
     * The dead-owner repair for process {@code pid}, which ended (and any other process that is gone): see
     * {@link #purge}.
     */
    public int purgeProcess(long pid) {
        return purge(p -> p != pid && alive(p));
    }

    private List<Waiter> purgeLocked(LongPredicate alive) {
        List<Waiter> w = new ArrayList<>();
        for (FileRecord r : backend.all()) {
            if (r.dropDead(alive) > 0) {
                w.addAll(r.drainAllWaiters());
                if (r.unused()) {
                    backend.delete(r.key);
                } else {
                    backend.write(r);
                }
            }
        }
        return w;
    }

    static boolean alive(long pid) {
        return pid == OwnerId.SELF_PID || pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        backend.close();
    }
}
