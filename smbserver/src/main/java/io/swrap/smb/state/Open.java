package io.swrap.smb.state;

import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.Errno;
import io.swrap.smb.vfs.NamedStreams;
import io.swrap.smb.vfs.StreamHandle;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * [MS-SMB2] 3.3.1.10 Per Open: one handle on a file or directory of a tree connect. Holds the
 * file's VFS handle (the object opened, whatever its name becomes), the channel for data access, the directory
 * listing of QUERY_DIRECTORY, and the share-mode entry.
 */
public final class Open {
    private static final Logger LOG = Logger.getLogger(Open.class.getName());

    private final long persistentId;
    private final long volatileId;
    private TreeConnect tree;
    private final boolean directory;
    private final int access;
    private final ShareModes.Entry shareEntry;
    private final Vfs.Handle handle;
    private final FileChannel channel;
    /** Open.DeleteOnClose / the file's delete disposition as set through this handle. */
    private boolean deleteOnClose;
    /** FilePositionInformation: set by SET_INFO and by each READ and WRITE ([MS-FSA] 2.1.5.2, 2.1.5.3). */
    private long position;
    /** QUERY_DIRECTORY state: the entries of the last scan (null before the first), the next index, its pattern. */
    private List<String> listing;
    private int listingIndex;
    private String listingPattern;
    /** CHANGE_NOTIFY state of a directory handle, and the requests waiting on it (at most Watch.MAX_WAITERS). */
    private ChangeNotify.Watch watch;
    private final List<AsyncRequest> pendingNotifies = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Blocking LOCKs waiting on this handle (at most {@link #MAX_PENDING_LOCKS}); canceled when the handle closes. */
    private final List<AsyncRequest> pendingLocks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Requests that keep this handle from closing until they complete (smbtorture's FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP):
     * a CLOSE waits for {@link #whenUnheld}; a close by a tree disconnect, a logoff or a lost connection ends them.
     */
    private final List<AsyncRequest> holding = new java.util.concurrent.CopyOnWriteArrayList<>();
    private java.util.concurrent.CompletableFuture<Void> unheld;
    /** Blocking LOCK requests one handle may have waiting; more are refused with INSUFFICIENT_RESOURCES. */
    public static final int MAX_PENDING_LOCKS = 16;
    /**
     * Open.ChannelSequence with Open.OutstandingRequestCount and OutstandingPreRequestCount ([MS-SMB2] 3.3.5.2.10);
     * replaced by a durable reconnect, so that requests of the old connection still ending touch the old counts.
     */
    private OutstandingRequests requests = new OutstandingRequests(0);
    /** The CreateAction of the CREATE that made it, answered again to a replay of that CREATE. */
    private int createAction;
    /** Open.IsDurable, and whether by a DH2Q (v2) or a DHnQ (v1), with Open.DurableOpenTimeout in ms. */
    private boolean durable;
    private boolean durableV2;
    private int durableTimeoutMs;
    /** Open.CreateGuid of a DH2Q CREATE, or null. */
    private byte[] createGuid;
    /** Open.ClientGuid (hex) of the connection that created it; null for 2.0.2. */
    private String clientGuid;
    /**
     * The SMB2_CREATE_ALLOCATION_SIZE its CREATE asked for, rounded up to a cluster, when that CREATE created or
     * overwrote the file; else 0. Answered as the file's AllocationSize while the data is smaller (as Samba's
     * initial_allocation_size, which a durable reconnect keeps: smb2.durable-open.alloc-size).
     */
    private long allocation;
    /** Its {@link ReplayCache} key while a replay of its CREATE may still come; null after. */
    String replayKey;
    private boolean closed;
    /**
     * Kept for a reconnect after its session ended ({@link #disconnect}) until {@link #reattach}: no loop owns it
     * then, even when the session's connection lives on (a LOGOFF, a PreviousSessionId logon).
     */
    private volatile boolean disconnected;
    /** Open.AppInstanceId ([MS-SMB2] 3.3.5.9.13) of its CREATE, or null. */
    private volatile byte[] appInstanceId;
    private final WriteTime writeTime = new WriteTime(this);
    /** A file renamed through this open: its close reports an attribute change (see {@link #close}). */
    private boolean renamed;

    /**
     * @param shareEntry the acquired share-mode entry, which knows the file's current path
     * @param handle the opened object, closed with this open
     * @param channel its data channel, or null
     */
    public Open(long persistentId, long volatileId, TreeConnect tree, boolean directory, int access,
            ShareModes.Entry shareEntry, Vfs.Handle handle, FileChannel channel) {
        this.persistentId = persistentId;
        this.volatileId = volatileId;
        this.tree = tree;
        this.directory = directory;
        this.access = access;
        this.shareEntry = shareEntry;
        this.handle = handle;
        this.channel = channel;
    }

    /** The opened object: stat, times, attributes and listings go through it, never through its name. */
    public Vfs.Handle handle() {
        return handle;
    }

    public long persistentId() {
        return persistentId;
    }

    public long volatileId() {
        return volatileId;
    }

    public TreeConnect tree() {
        return tree;
    }

    /** The file's current path: renames through any handle of the file move it. */
    public Path path() {
        return shareEntry.path();
    }

    public boolean isDirectory() {
        return directory;
    }

    /** The GrantedAccess mask. */
    public int access() {
        return access;
    }

    public boolean has(int right) {
        return (access & right) != 0;
    }

    /** The data channel, or null for directories and attribute-only opens. */
    public FileChannel channel() {
        return channel;
    }

    public ShareModes.Entry shareEntry() {
        return shareEntry;
    }

    /** Its id in the file's record (share mode, locks, oplock). */
    public OwnerId owner() {
        return shareEntry.owner();
    }

    /** The file it is open on, whatever names it has: the key of its record. */
    public FileKey key() {
        return shareEntry.key();
    }

    /**
     * Whether the caller runs on the event loop of the open's session's connection, where its state is
     * changed (the assertion of the mutators; a disconnected durable open has no loop: the durable table owns it).
     */
    public boolean onOwnerLoop() {
        if (disconnected) {
            return true;
        }
        io.netty.channel.Channel ch = tree.session().connection().channel();
        return ch == null || ch.eventLoop().inEventLoop() || !ch.isActive();
    }

    /** FilePositionInformation ([MS-FSA] 2.1.5.2, 2.1.5.3). */
    public long position() {
        return position;
    }

    public void position(long v) {
        assert onOwnerLoop() : "position of " + path() + " set off its owner's loop";
        position = v;
    }

    /** The entries of the last QUERY_DIRECTORY scan, or null before the first (or after a restart). */
    public List<String> listing() {
        return listing;
    }

    /** The next entry of {@link #listing} a QUERY_DIRECTORY returns. */
    public int listingIndex() {
        return listingIndex;
    }

    /** The pattern of the scan that made {@link #listing}. */
    public String listingPattern() {
        return listingPattern;
    }

    /** A new scan's entries and the pattern it used; the enumeration starts again at index 0. */
    public void listing(List<String> entries, String pattern) {
        assert onOwnerLoop() : "listing of " + path() + " set off its owner's loop";
        listing = entries;
        listingPattern = pattern;
        listingIndex = 0;
    }

    public void listingIndex(int v) {
        assert onOwnerLoop() : "listing index of " + path() + " set off its owner's loop";
        listingIndex = v;
    }

    public boolean deleteOnClose() {
        return deleteOnClose;
    }

    public void deleteOnClose(boolean v) {
        assert onOwnerLoop() : "delete-on-close of " + path() + " set off its owner's loop";
        deleteOnClose = v;
    }

    /** Its CHANGE_NOTIFY watch, or null. */
    public ChangeNotify.Watch watch() {
        return watch;
    }

    public void watch(ChangeNotify.Watch w) {
        assert onOwnerLoop() : "watch of " + path() + " set off its owner's loop";
        watch = w;
    }

    public void addPendingNotify(AsyncRequest a) {
        pendingNotifies.add(a);
    }

    public boolean removePendingNotify(AsyncRequest a) {
        return pendingNotifies.remove(a);
    }

    public int pendingLockCount() {
        return pendingLocks.size();
    }

    public void addPendingLock(AsyncRequest a) {
        assert onOwnerLoop() : "blocking lock on " + path() + " added off its owner's loop";
        pendingLocks.add(a);
    }

    public boolean removePendingLock(AsyncRequest a) {
        return pendingLocks.remove(a);
    }

    /** {@code a} holds this handle open until {@link #release} (its completion or cancellation). */
    public void hold(AsyncRequest a) {
        assert onOwnerLoop() : "request holding " + path() + " added off its owner's loop";
        holding.add(a);
    }

    /** {@code a} no longer holds this handle; a CLOSE waiting for the last one goes on. Whether it held it. */
    public boolean release(AsyncRequest a) {
        boolean held = holding.remove(a);
        if (holding.isEmpty() && unheld != null) {
            java.util.concurrent.CompletableFuture<Void> f = unheld;
            unheld = null;
            f.complete(null);
        }
        return held;
    }

    /** Completes (on the owner's loop) when no request holds this handle any more: at once if none does. */
    public java.util.concurrent.CompletionStage<Void> whenUnheld() {
        assert onOwnerLoop() : "close of " + path() + " waiting off its owner's loop";
        if (holding.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        if (unheld == null) {
            unheld = new java.util.concurrent.CompletableFuture<>();
        }
        return unheld;
    }

    /** Ends the requests holding this handle with {@code status}: it goes without a CLOSE waiting for them. */
    private void endHolding(int status) {
        for (AsyncRequest a : holding) {
            a.cancel(status);
        }
        holding.clear();
        release(null);
    }

    /** Whether {@code a} still waits on this handle (not canceled, not completed). */
    public boolean isPendingLock(AsyncRequest a) {
        return pendingLocks.contains(a);
    }

    /**
     * Open.LockSequenceArray ([MS-SMB2] 3.3.1.10): 64 entries, created at first use; an entry holds 0x10 |
     * LockSequenceNumber when valid, 0 when not.
     */
    private byte[] lockSequences;

    /** Whether entry {@code index} (1..64) is valid and holds {@code number}: the LOCK is a replay. */
    public boolean lockSequenceReplayed(int index, int number) {
        return lockSequences != null && lockSequences[index - 1] == (byte) (0x10 | number);
    }

    /** Marks entry {@code index} (1..64) invalid before its LOCK is processed, or valid with {@code number} after. */
    public void lockSequence(int index, int number, boolean valid) {
        if (lockSequences == null) {
            lockSequences = new byte[64];
        }
        lockSequences[index - 1] = valid ? (byte) (0x10 | number) : 0;
    }

    public int channelSequence() {
        return requests.sequence();
    }

    /** Open.ChannelSequence of its CREATE or durable reconnect: nothing is outstanding on it then. */
    public void channelSequence(int v) {
        assert onOwnerLoop() : "channel sequence of " + path() + " set off its owner's loop";
        requests = new OutstandingRequests(v);
    }

    /** Open.OutstandingRequestCount and OutstandingPreRequestCount, read for tests and diagnostics. */
    public OutstandingRequests outstandingRequests() {
        return requests;
    }

    /**
     * A request on it with ChannelSequence {@code sequence} starts ([MS-SMB2] 3.3.5.2.10): its ticket for
     * {@link #requestEnded}, or null when it is not counted (a modifying request is then refused).
     */
    public OutstandingRequests.Ticket requestStarted(int sequence, boolean replay) {
        assert onOwnerLoop() : "request counted on " + path() + " off its owner's loop";
        return requests.begin(sequence, replay);
    }

    /** The request of {@code t} got its final response. */
    public void requestEnded(OutstandingRequests.Ticket t) {
        if (t.counts() != requests) {
            // counted before a durable reconnect restarted the counts: the old connection's request is no
            // longer the open's business
            return;
        }
        assert onOwnerLoop() : "request ended on " + path() + " off its owner's loop";
        requests.end(t);
    }

    public int createAction() {
        return createAction;
    }

    public void createAction(int v) {
        createAction = v;
    }

    public long allocation() {
        return allocation;
    }

    public void allocation(long bytes) {
        allocation = bytes;
    }

    public boolean isDurable() {
        return durable;
    }

    public boolean durableV2() {
        return durableV2;
    }

    public int durableTimeoutMs() {
        return durableTimeoutMs;
    }

    /** Open.IsDurable: granted by a DH2Q ({@code v2}) or DHnQ with Open.DurableOpenTimeout {@code timeoutMs}. */
    public void makeDurable(boolean v2, int timeoutMs) {
        durable = true;
        durableV2 = v2;
        durableTimeoutMs = timeoutMs;
    }

    public byte[] createGuid() {
        return createGuid == null ? null : createGuid.clone();
    }

    public void createGuid(byte[] g) {
        createGuid = g == null ? null : g.clone();
    }

    public String clientGuid() {
        return clientGuid;
    }

    public void clientGuid(String g) {
        clientGuid = g;
    }

    /** How writes through this open move the file's LastWriteTime. */
    public WriteTime writeTime() {
        return writeTime;
    }

    /** It was renamed through this open. */
    public void renamed() {
        renamed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Its session lost its last channel and this durable open is kept ([MS-SMB2] 3.3.7.1): the requests
     * waiting on it go (nobody is there to answer), its file, share mode, locks and oplock stay.
     */
    void disconnect() {
        assert onOwnerLoop() : "disconnect of " + path() + " off its owner's loop";
        ServerState server = tree.session().connection().server();
        server.replayCache().forget(this);
        if (watch != null) {
            server.changeNotify().remove(watch);
            // still answered: a PreviousSessionId logon ends the session while its connection lives on
            endNotifies(io.swrap.smb.smb2.codec.NtStatus.NOTIFY_CLEANUP);
            watch = null;
        }
        for (AsyncRequest a : pendingLocks) {
            a.cancel(io.swrap.smb.smb2.codec.NtStatus.CANCELLED);
        }
        pendingLocks.clear();
        endHolding(io.swrap.smb.smb2.codec.NtStatus.CANCELLED);
        disconnected = true;
    }

    /**
     * Completes every CHANGE_NOTIFY waiting on this handle with {@code status} and no changes (the handle
     * closes, its session ends, or its directory is to be deleted), so that no client waits for ever.
     */
    public void endNotifies(int status) {
        ChangeNotify.Watch w = watch;
        if (w != null) {
            w.cancelAll();
        }
        for (AsyncRequest a : pendingNotifies) {
            pendingNotifies.remove(a);
            // an error (severity bits 11) answers with an ERROR body, a success code with an empty output buffer
            a.complete(status, (status >>> 30) == 3 ? new io.swrap.smb.smb2.codec.Smb2ErrorResponse()
                    : new io.swrap.smb.smb2.codec.Smb2OutputBufferResponse(io.netty.buffer.Unpooled.EMPTY_BUFFER));
        }
    }

    /** A DHnC/DH2C reconnect moves the disconnected open to the tree of the new session. */
    public void reattach(TreeConnect t) {
        this.tree = t;
        disconnected = false;
    }

    public byte[] appInstanceId() {
        byte[] id = appInstanceId;
        return id == null ? null : id.clone();
    }

    /** Set before the open is published ({@link Session#addOpen}); null for none. */
    public void appInstanceId(byte[] id) {
        appInstanceId = id == null ? null : id.clone();
    }

    /**
     * This disconnected durable open was handed over to another worker of a prefork server, which reconnects it
     * ({@code FileStore.transfer} moved its share mode, locks and oplock or lease there first): its descriptors
     * close and this process forgets it, without releasing anything of the file's shared state.
     */
    public void detach() {
        assert disconnected : "detach of " + path() + ", which is not a disconnected durable open";
        if (closed) {
            return;
        }
        closed = true;
        Path path = path();
        ServerState server = tree.session().connection().server();
        step(path, "forgetting its replay entry", () -> server.replayCache().forget(this));
        if (channel != null) {
            step(path, "closing its data channel", () -> {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e.toString(), e);
                }
            });
        }
        if (handle != null) {
            step(path, "closing its descriptor", handle::close);
        }
        server.closed(this);
    }

    /**
     * Releases the handle; the last close of a delete-pending file deletes it ([MS-FSA] 2.1.5.4). Every step
     * runs even when one before it fails (a failure is logged: CLOSE has already succeeded for the client), so
     * that the share-mode entry, locks and descriptors never outlive the open.
     */
    void close() {
        assert onOwnerLoop() : "close of " + path() + " off its owner's loop";
        if (closed) {
            return;
        }
        closed = true;
        Path path = path();
        ServerState server = tree.session().connection().server();
        if (watch != null) {
            step(path, "removing its change notify watch", () -> {
                server.changeNotify().remove(watch);
                // [MS-FSA] 2.1.5.4: closing the handle completes its notifies with NOTIFY_CLEANUP.
                endNotifies(io.swrap.smb.smb2.codec.NtStatus.NOTIFY_CLEANUP);
            });
        }
        // As Windows and Samba (smb2.lock.cancel "cancel by close"): a lock still waiting when its handle
        // closes fails with STATUS_RANGE_NOT_LOCKED, not STATUS_CANCELLED (no CANCEL was received).
        for (AsyncRequest a : pendingLocks) {
            step(path, "canceling a waiting lock", () -> a.cancel(io.swrap.smb.smb2.codec.NtStatus.RANGE_NOT_LOCKED));
        }
        pendingLocks.clear();
        // as Samba's FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP finding its handle gone: STATUS_FILE_CLOSED
        step(path, "ending the requests holding it", () -> endHolding(io.swrap.smb.smb2.codec.NtStatus.FILE_CLOSED));
        step(path, "forgetting its replay entry", () -> server.replayCache().forget(this));
        FileKey key = key();
        step(path, "releasing its byte-range locks", () -> server.locks().releaseAll(key, owner()));
        ShareModes modes = server.shareModes();
        if (deleteOnClose) {
            step(path, "marking it delete-pending", () -> modes.setDeletePending(key, true));
            if (directory) {
                step(path, "ending the notifies on it", () -> server.changeNotify().deletePending(path));
            }
        }
        step(path, "setting its write time", writeTime::atClose);
        if (renamed && !directory && !deleteOnClose) {
            // As Windows: a file renamed through this handle reports FILE_NOTIFY_CHANGE_ATTRIBUTES under its new
            // name when the handle closes, not at the rename (smb2.notify.mask-change; notify.rec, whose handles
            // stay open, sees none)
            step(path, "reporting its attribute change", () -> server.changeNotify().report(path,
                    ChangeNotify.FILE_ACTION_MODIFIED, ChangeNotify.FILE_NOTIFY_CHANGE_ATTRIBUTES));
        }
        if (channel != null) {
            step(path, "closing its data channel", () -> {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e.toString(), e);
                }
            });
        }
        if (handle != null) {
            step(path, "closing its descriptor", handle::close);
        }
        boolean delete = false;
        try {
            delete = modes.release(shareEntry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "close of " + path + ": releasing its share mode failed", e);
        }
        if (delete) {
            deleteNow(path, server);
        }
        // last: this wakes the opens waiting for its break, which must find its share mode (and a deleted file) gone
        step(path, "releasing its oplock", () -> server.oplocks().release(owner()));
        server.closed(this);
    }

    /** The last close of a delete-pending file: remove it by name beneath the share's root. */
    private void deleteNow(Path path, ServerState server) {
        Vfs vfs = tree.share().vfs();
        String rel = tree.share().rel(path);
        try {
            if (handle instanceof StreamHandle) {
                int colon = rel.lastIndexOf(':');
                if (shareEntry.deletesFile()) {
                    // the last open of a delete-pending file was this open of one of its streams
                    vfs.remove(rel.substring(0, colon), false);
                    server.changeNotify().report(tree.share().key(rel.substring(0, colon)),
                            ChangeNotify.FILE_ACTION_REMOVED, ChangeNotify.nameBit(false));
                } else {
                    NamedStreams.removeByName(vfs, rel); // a named stream: its xattr on the base file
                }
                return;
            }
            vfs.remove(rel, directory);
            server.changeNotify().report(path, ChangeNotify.FILE_ACTION_REMOVED, ChangeNotify.nameBit(directory));
        } catch (VfsException e) {
            if (e.errno() == Errno.ENOTEMPTY) {
                // Files were created in it after the delete was requested: Windows keeps it too.
                LOG.info("delete-on-close of " + path + " skipped: the directory is not empty");
            } else if (e.errno() != Errno.ENOENT) {
                LOG.warning("delete-on-close of " + path + " failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delete-on-close of " + path + " failed", e);
        }
    }

    private static void step(Path path, String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "close of " + path + ": " + what + " failed", e);
        }
    }
}
