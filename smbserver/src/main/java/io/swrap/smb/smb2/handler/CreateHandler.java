package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.oplock.Oplocks;
import io.swrap.smb.security.SecurityDescriptor;
import io.swrap.smb.security.StoredAcl;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.Errno;
import io.swrap.smb.vfs.ExtendedAttributes;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.NamedStreams;
import io.swrap.smb.vfs.StreamHandle;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.vfs.Stat;
import io.swrap.smb.vfs.StoredInfo;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * [MS-SMB2] 3.3.5.9 Receiving an SMB2 CREATE Request, with [MS-FSA] 2.1.5.1 semantics for the six
 * CreateDispositions, FILE_DIRECTORY_FILE / FILE_NON_DIRECTORY_FILE / FILE_DELETE_ON_CLOSE, and share
 * access checked against the other opens of the file, oplocks and leases granted and broken through the
 * server's {@link Oplocks} table (a CREATE that must wait for break acknowledgments goes async, see
 * {@link OplockWait}). Create contexts: MxAc, QFid and RqLs are answered; DHnQ/DH2Q grant durable
 * handles when the oplock or lease allows it and DHnC/DH2C reconnect them ({@link DurableContext},
 * {@link DurableReconnect}), a DH2Q's CreateGuid finds a replayed CREATE ({@link CreateReplay}), SecD and ExtA set a new
 * object's descriptor and EAs, AlSi the AllocationSize a created or overwritten file answers while its data is smaller,
 * TWrp (a previous version) finds nothing, an AppInstanceId closes that application's open held by another client
 * first ({@link AppInstance}); other contexts are accepted and ignored. The object's ACL ({@link SecurityAccess}) and DOS
 * attributes ({@link DosAttributeAccess}) decide what an open may have. A new name is created atomically (exclusive open or mkdir beneath
 * the share's descriptor); EEXIST makes an OPEN_IF/OVERWRITE_IF open the existing file instead.
 */
final class CreateHandler implements Smb2CommandHandler {
    /** Lookups and opens of one CREATE racing others that create and remove the same name. */
    private static final int CREATE_ATTEMPTS = 3;
    /** [MS-SMB2] 2.2.13.2: SMB2_CREATE_EA_BUFFER, the EAs of a new file. */
    private static final String EA_BUFFER = "ExtA";
    /** [MS-SMB2] 2.2.13.2.6 SMB2_CREATE_ALLOCATION_SIZE: AllocationSize (8). */
    private static final String ALLOCATION_SIZE = "AlSi";
    /** [MS-SMB2] 2.2.13.2.7 SMB2_CREATE_TIMEWARP_TOKEN: Timestamp (8) of a previous version to open. */
    private static final String TIMEWARP_TOKEN = "TWrp";

    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2CreateRequest req = Smb2CreateRequest.decode(rc.request);
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.create(rc, req);
        }
        rc.session.checkOpenLimit(rc.conn.server().config().requestLimits().maxOpenFiles());
        DurableContext durable = DurableContext.of(req, rc.conn);
        if (durable.reconnect()) {
            return DurableReconnect.reconnect(rc, req, durable);
        }
        byte[] appInstance = AppInstance.id(req, rc.conn);
        if (appInstance != null && !rc.conn.server().messenger().otherWorkers().isEmpty()) {
            // 3.3.5.9.13 in a prefork server: the instance's opens in other workers close first, as those here
            return Reply.later(AppInstanceWorkers.closeElsewhere(rc, req, appInstance).thenApply(closed -> {
                try {
                    return afterOtherWorkers(rc, req, durable, appInstance);
                } catch (Smb2Exception | IOException e) {
                    throw new CompletionException(e);
                }
            }));
        }
        return afterOtherWorkers(rc, req, durable, appInstance);
    }

    /** The CREATE once other workers' opens of its AppInstanceId (if any) are closed. */
    private Reply afterOtherWorkers(RequestContext rc, Smb2CreateRequest req, DurableContext durable,
            byte[] appInstance) throws Smb2Exception, IOException {
        List<Open> previous = appInstance != null ? AppInstance.previous(rc, req, appInstance) : List.of();
        CreateReplay.Pending pending = null;
        if (durable.kind() == DurableContext.Kind.V2_REQUEST) {
            CreateReplay.Lookup found = CreateReplay.lookup(rc, req, durable);
            if (found.reply() != null) {
                return found.reply();
            }
            pending = found.pending();
        }
        if (!previous.isEmpty()) {
            // 3.3.5.9.13: the other clients' opens of this application instance close before this CREATE runs
            CreateReplay.Pending p = pending;
            ServerState server = rc.conn.server();
            return abandonOnFailure(rc.offLoop(() -> AppInstance.close(server, previous),
                    closed -> run(rc, null, durable, p), closed -> { }), () -> CreateReplay.abandon(rc, p));
        }
        return run(rc, null, durable, pending);
    }

    /** One run of the CREATE; a failure frees its CreateGuid for a new CREATE (a replay then opens anew). */
    private Reply run(RequestContext rc, OplockWait waiting, DurableContext durable, CreateReplay.Pending pending)
            throws Smb2Exception, IOException {
        try {
            return abandonOnFailure(create(rc, waiting, durable, pending), () -> CreateReplay.abandon(rc, pending));
        } catch (Smb2Exception | IOException | RuntimeException e) {
            CreateReplay.abandon(rc, pending);
            throw e;
        }
    }

    /** {@code r}, with {@code abandon} run if a later step (on the I/O pool or after it) fails. */
    private static Reply abandonOnFailure(Reply r, Runnable abandon) {
        if (r.later() == null) {
            return r;
        }
        return Reply.later(r.later().handle((next, failure) -> {
            if (failure != null) {
                abandon.run();
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            return abandonOnFailure(next, abandon);
        }));
    }

    /**
     * @param waiting the async request of a CREATE that waited for break acknowledgments, or null
     * @param pending its entry in the replay cache (a DH2Q CREATE), or null
     */
    private Reply create(RequestContext rc, OplockWait waiting, DurableContext durable, CreateReplay.Pending pending)
            throws Smb2Exception, IOException {
        Smb2CreateRequest req = Smb2CreateRequest.decode(rc.request);
        OplockWait.Rerun rerun = w -> run(rc, w, durable, pending);
        Runnable abandon = () -> CreateReplay.abandon(rc, pending);
        Share share = rc.tree.share();
        if (Integer.compareUnsigned(req.impersonationLevel(), 3) > 0) {
            throw new Smb2Exception(NtStatus.BAD_IMPERSONATION_LEVEL, "ImpersonationLevel " + req.impersonationLevel()
                    + " (expected: 0..3, Anonymous..Delegate)");
        }
        if (req.name().startsWith("\\")) {
            // 3.3.5.9: the name is relative to the share; Windows and Samba refuse a leading backslash.
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "name '" + req.name() + "' starts with a backslash");
        }
        int disp = req.createDisposition();
        int opts = req.createOptions();
        if (req.name().endsWith("\\") && (opts & Smb2CreateRequest.FILE_NON_DIRECTORY_FILE) != 0) {
            // as Samba: a trailing backslash names a directory, which FILE_NON_DIRECTORY_FILE excludes
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + req.name()
                    + "' ends with a backslash and CreateOptions has FILE_NON_DIRECTORY_FILE");
        }
        if (disp < Smb2CreateRequest.FILE_SUPERSEDE || disp > Smb2CreateRequest.FILE_OVERWRITE_IF
                || (opts & Smb2CreateRequest.FILE_DIRECTORY_FILE) != 0 && (opts & Smb2CreateRequest.FILE_NON_DIRECTORY_FILE) != 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CreateDisposition " + disp + ", CreateOptions 0x"
                    + Integer.toHexString(opts) + " (expected: disposition 0..5, not both DIRECTORY and NON_DIRECTORY)");
        }
        NamedStreams.Name stream = StreamOpen.name(rc, req);
        int maximal = rc.tree.maximalAccess();
        int access = AccessMask.map(req.desiredAccess(), maximal);
        boolean deleteOnClose = (opts & Smb2CreateRequest.FILE_DELETE_ON_CLOSE) != 0;
        boolean modifies = disp != Smb2CreateRequest.FILE_OPEN;
        if ((access & ~maximal) != 0 || (share.config().readOnly() && (modifies || deleteOnClose))) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "'" + req.name() + "': access 0x"
                    + Integer.toHexString(access) + ", disposition " + disp + " on "
                    + (share.config().readOnly() ? "read-only " : "") + "share [" + share.name() + "]");
        }
        if (deleteOnClose && (access & AccessMask.DELETE) == 0) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "FILE_DELETE_ON_CLOSE without DELETE access");
        }
        // a malformed ExtA is refused before anything is created (as Samba)
        Smb2CreateContext eaContext = req.context(EA_BUFFER);
        List<ExtendedAttributes.Ea> eas = eaContext != null ? ExtendedAttributes.parse(eaContext.data()) : null;
        if (req.context(TIMEWARP_TOKEN) != null) {
            // no share keeps snapshots: a previous version is not there, as Samba answers without shadow_copy2
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "'" + req.name() + "' at a previous version"
                    + " (TWrp): share [" + share.name() + "] has no snapshots");
        }
        if (requestedAllocation(req) < 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, ALLOCATION_SIZE + " create context of "
                    + req.context(ALLOCATION_SIZE).data().length + " bytes (expected: 8)");
        }
        long fileId = rc.conn.server().newFileId();
        OwnerId owner = OwnerId.of(rc.conn.client() != null ? rc.conn.client().guid() : null, fileId, fileId);
        Oplocks oplocks = rc.conn.server().oplocks();
        boolean leaseKeyHeld = leaseKeyHeld(rc, req, oplocks);
        SecurityAccess.token(rc); // made here, on the loop: the I/O thread's access checks read it
        int requested = access;
        // the lookup, open or create and the access checks on the object run on the I/O pool; the file's record
        // (share modes, oplocks) and the session's state are touched on the loop, in what follows
        return rc.offLoop(() -> open(rc, req, stream, eas, requested, maximal, leaseKeyHeld), o -> {
            try {
                return opened(rc, req, o, owner, waiting, rerun, abandon, durable, pending);
            } catch (Smb2Exception | IOException | RuntimeException e) {
                o.handle().close();
                throw e;
            }
        }, o -> o.handle().close());
    }

    /** What the I/O pool found or made: the object's handle, its record's key, and what the CREATE may have. */
    private record Opened(Share.Resolved r, Path path, NamedStreams.Name stream, Vfs.Handle handle, int action,
            FileKey key, boolean isDir, int access, boolean deleteOnClose) {
    }

    /**
     * Runs on the I/O pool: looks the name up and opens or creates it, then checks the object against the
     * request (type, ACL, DOS attributes) and writes what a new object starts with. Touches no server state.
     */
    private static Opened open(RequestContext rc, Smb2CreateRequest req, NamedStreams.Name stream,
            List<ExtendedAttributes.Ea> eas, int access, int maximal, boolean leaseKeyHeld)
            throws Smb2Exception, IOException {
        Share share = rc.tree.share();
        int disp = req.createDisposition();
        int opts = req.createOptions();
        boolean wantsDir = (opts & Smb2CreateRequest.FILE_DIRECTORY_FILE) != 0;
        boolean deleteOnClose = (opts & Smb2CreateRequest.FILE_DELETE_ON_CLOSE) != 0;
        Vfs vfs = share.vfs();
        Share.Resolved r = null;
        Vfs.Handle handle = null;
        int action = 0;
        // The name may be created or removed by others between the lookup and the open: an exclusive create
        // that finds the name taken opens it instead (OPEN_IF, OVERWRITE_IF, SUPERSEDE), a bounded number of times.
        for (int attempt = 1; handle == null; attempt++) {
            r = share.resolve(stream.base());
            if (!r.parentExists()) {
                throw new Smb2Exception(NtStatus.OBJECT_PATH_NOT_FOUND, "a directory in '" + req.name()
                        + "' does not exist");
            }
            if (r.rel().isEmpty() && deleteOnClose) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "the root of share [" + share.name()
                        + "] cannot be opened with FILE_DELETE_ON_CLOSE");
            }
            if (r.exists()) {
                try {
                    handle = vfs.open(r.rel());
                } catch (VfsException e) {
                    if (e.errno() == Errno.EXDEV || e.errno() == Errno.ELOOP) {
                        // a symlink leading outside the share: not there for a client (as Samba)
                        throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "'" + req.name()
                                + "' leads outside share [" + share.name() + "]: " + e.getMessage());
                    }
                    throw Vfs.toSmb(e, "opening '" + req.name() + "'");
                }
                break;
            }
            if (disp == Smb2CreateRequest.FILE_OPEN || disp == Smb2CreateRequest.FILE_OVERWRITE) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "'" + req.name() + "' does not exist");
            }
            if (deleteOnClose && (req.fileAttributes() & FileInfo.ATTR_READONLY) != 0) {
                throw new Smb2Exception(NtStatus.CANNOT_DELETE, "'" + req.name() + "' would be created READONLY"
                        + " with FILE_DELETE_ON_CLOSE");
            }
            SecurityDescriptor sd = SecurityAccess.checkCreate(rc, req, vfs, parentRel(r.rel()), wantsDir);
            if (leaseKeyHeld) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "lease key in use for another file, requested for"
                        + " new file '" + req.name() + "'");
            }
            try {
                handle = wantsDir ? vfs.mkdir(r.rel()) : vfs.createFile(r.rel());
                action = Smb2CreateResponse.FILE_CREATED;
                try {
                    StoredAcl.write(handle, sd);
                } catch (VfsException e) {
                    handle.close();
                    throw e;
                }
            } catch (VfsException e) {
                if (e.errno() != Errno.EEXIST || disp == Smb2CreateRequest.FILE_CREATE || attempt >= CREATE_ATTEMPTS) {
                    throw Vfs.toSmb(e, "creating '" + req.name() + "'");
                }
            }
        }
        Path path = r.path();
        try {
            if (stream.stream() != null) {
                handle = StreamOpen.open(req, stream, handle, action == Smb2CreateResponse.FILE_CREATED,
                        share.config().maxStreamSize());
                if (handle instanceof StreamHandle s) {
                    path = share.key(r.rel() + ":" + s.name()); // its name, the stream's as kept
                }
            }
            Stat st = handle.stat();
            // the file's record, shared by all its names; a named stream has its own
            FileKey key = stream.named() ? FileKey.ofStream(st, stream.key()) : FileKey.of(st);
            boolean isDir = st.isDirectory();
            if (!isDir && !st.isRegular()) {
                // a FIFO or device node would block or act on open; Windows has no such files to offer
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "'" + req.name() + "' is not a regular file or"
                        + " directory (mode 0" + Integer.toOctalString(st.mode()) + ")");
            }
            if (action != Smb2CreateResponse.FILE_CREATED) {
                checkExisting(req, stream.named() ? Smb2CreateRequest.FILE_OPEN : disp, opts, isDir);
                // what the ACL and then the DOS attributes allow (MAXIMUM_ALLOWED becomes what they leave)
                access = SecurityAccess.checkExisting(rc, req, vfs, handle,
                        r.rel().isEmpty() ? null : parentRel(r.rel()), access, maximal);
                access = DosAttributeAccess.check(req, FileInfo.of(handle).attributes(), access, deleteOnClose, isDir);
                StreamOpen.checkNew(rc, req, handle, maximal);
                if (deleteOnClose && isDir && !handle.list().isEmpty()) {
                    // As Windows and Samba (open_directory): the open succeeds and its close deletes nothing, so an
                    // rmdir of a directory whose last entry is only delete-pending answers OK and the directory stays
                    // (smb2.notify.rec, mask-change); FileDispositionInformation still answers DIRECTORY_NOT_EMPTY.
                    deleteOnClose = false;
                }
            } else {
                StoredInfo.created(handle, req.fileAttributes(), isDir);
                if (eas != null) {
                    ExtendedAttributes.write(handle, eas);
                }
            }
            return new Opened(r, path, stream, handle, action, key, isDir, access, deleteOnClose);
        } catch (Smb2Exception | IOException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /**
     * On the loop, with the object open: the share-mode check, the breaks it causes (waiting for them goes
     * async) and the share-mode entry; then truncation and the data channel on the I/O pool.
     */
    private Reply opened(RequestContext rc, Smb2CreateRequest req, Opened o, OwnerId owner, OplockWait waiting,
            OplockWait.Rerun rerun, Runnable abandon, DurableContext durable, CreateReplay.Pending pending)
            throws Smb2Exception, IOException {
        int disp = req.createDisposition();
        ShareModes modes = rc.conn.server().shareModes();
        Oplocks oplocks = rc.conn.server().oplocks();
        Vfs.Handle handle = o.handle();
        FileKey key = o.key();
        boolean isDir = o.isDir();
        int access = o.access();
        Path path = o.path();
        ShareModes.Entry entry = new ShareModes.Entry(owner, access, req.shareAccess());
        OplockRequest oreq;
        if (o.action() != Smb2CreateResponse.FILE_CREATED) {
            oreq = oplockRequest(rc, req, access, isDir, disp != Smb2CreateRequest.FILE_OPEN
                    && disp != Smb2CreateRequest.FILE_OPEN_IF && !isDir);
            // delete-pending check, share check, breaks and acquire in one step of the file's record
            // (FileStore.admit), so no other open, in this process or another, comes between them
            FileStore.Admission admitted = rc.conn.server().files().admit(key, path, entry, oreq,
                    OplockWait.possible(rc), waiting == null);
            BreakSender.send(rc.conn.server(), admitted.breaks());
            if (admitted.mustWait()) {
                handle.close();
                return OplockWait.start(rc, waiting, key, oreq, rerun, abandon);
            }
            admitted.throwIfRefused();
        } else {
            oreq = oplockRequest(rc, req, access, isDir, false);
            modes.acquire(key, path, entry);
        }
        int maximal = rc.tree.maximalAccess();
        boolean mxac = req.context(Smb2CreateContext.MAXIMAL_ACCESS) != null;
        return rc.offLoop(() -> prepare(rc, req, o, maximal, mxac), p -> {
            if (p.failure() != null) {
                modes.release(entry);
                handle.close();
                if (p.failure() instanceof IOException e) {
                    throw Vfs.toSmb(e, "opening '" + req.name() + "'");
                }
                if (p.failure() instanceof Smb2Exception e) {
                    throw e;
                }
                throw (RuntimeException) p.failure();
            }
            if (!rc.session.valid()) {
                // the session ended (its last channel went, a logoff) while this ran on the I/O pool: its opens
                // were closed at its end, so this one must not join it, or nothing would ever close it
                modes.release(entry);
                p.close();
                handle.close();
                throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "session 0x"
                        + Long.toHexString(rc.session.id()) + " ended while '" + req.name() + "' was being opened");
            }
            return granted(rc, req, o, p, entry, oreq, durable, pending);
        }, p -> {
            modes.release(entry);
            p.close();
            handle.close();
        });
    }

    /** The second part on the I/O pool: truncation, the data channel and what the response reports. */
    private record Prepared(int action, FileChannel channel, FileInfo info, int maximal, Exception failure) {
        // failure: an Smb2Exception, IOException or RuntimeException of prepare()
        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("closing the data channel of a dropped CREATE", e);
                }
            }
        }
    }

    /** Runs on the I/O pool, the share-mode entry held: a failure is handed back so the loop can release it. */
    private static Prepared prepare(RequestContext rc, Smb2CreateRequest req, Opened o, int maximal, boolean mxac) {
        FileChannel ch = null;
        try {
            int action = o.action();
            if (action != Smb2CreateResponse.FILE_CREATED) {
                action = StreamOpen.isNew(o.handle()) ? StreamOpen.create(o.handle())
                        : overwrite(o.handle(), req.createDisposition(), o.isDir());
                if (action != Smb2CreateResponse.FILE_OPENED && !o.stream().named()) {
                    StoredInfo.overwritten(o.handle(), req.fileAttributes());
                    NamedStreams.removeAll(o.handle());
                }
            }
            ch = dataChannel(o.handle(), o.isDir(), o.access());
            FileInfo f = FileInfo.of(o.handle());
            int mx = mxac ? SecurityAccess.maximal(rc, o.handle(), maximal) : maximal;
            return new Prepared(action, ch, f, mx, null);
        } catch (Smb2Exception | IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            return new Prepared(0, null, null, 0, e);
        }
    }

    /** On the loop: the open made, its oplock or lease granted, the session's table and the replay cache told. */
    private static Reply granted(RequestContext rc, Smb2CreateRequest req, Opened o, Prepared p,
            ShareModes.Entry entry, OplockRequest oreq, DurableContext durable, CreateReplay.Pending pending) {
        int action = p.action();
        boolean isDir = o.isDir();
        Path path = o.path();
        Open open = new Open(entry.owner().volatileId(), entry.owner().volatileId(), rc.tree, isDir, o.access(), entry,
                o.handle(), p.channel());
        open.deleteOnClose(o.deleteOnClose());
        open.createAction(action);
        open.channelSequence(rc.request.header().status() & 0xFFFF);
        Granted granted = rc.conn.server().oplocks().grant(o.key(), open.owner(), oreq);
        if (durable.requested() && granted.allowsDurability()) {
            open.makeDurable(durable.v2(), durable.timeoutMs());
        }
        open.createGuid(durable.createGuid());
        open.clientGuid(rc.conn.client() != null ? rc.conn.client().guid() : null);
        open.appInstanceId(AppInstance.kept(req, rc.conn));
        if (action != Smb2CreateResponse.FILE_OPENED && !isDir) {
            // as Samba: a created or overwritten file keeps the AllocationSize asked for (in clusters) while its
            // data is smaller; an opened one answers what its data takes
            long asked = requestedAllocation(req);
            open.allocation(asked > Long.MAX_VALUE - FileInfo.CLUSTER ? asked
                    : (asked + FileInfo.CLUSTER - 1) / FileInfo.CLUSTER * FileInfo.CLUSTER);
        }
        rc.session.addOpen(open);
        CreateReplay.complete(rc, pending, open);
        rc.conn.compound().use(open.persistentId(), open.volatileId());
        ChangeNotify notify = rc.conn.server().changeNotify();
        if (o.stream().named()) {
            // a stream's changes are no name or data changes of the directory's entries
        } else if (action == Smb2CreateResponse.FILE_CREATED) {
            notify.report(path, ChangeNotify.FILE_ACTION_ADDED, ChangeNotify.nameBit(isDir));
        } else if (action != Smb2CreateResponse.FILE_OPENED) {
            notify.report(path, ChangeNotify.FILE_ACTION_MODIFIED,
                    ChangeNotify.FILE_NOTIFY_CHANGE_SIZE | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE);
        }
        FileInfo f = p.info().allocatedAtLeast(open.allocation());
        List<Smb2CreateContext> contexts = responseContexts(req, f, p.maximal());
        if (open.isDurable()) {
            contexts.add(DurableContext.response(open.durableV2(), open.durableTimeoutMs()));
        }
        if (granted.isLease()) {
            contexts.add(LeaseContext.response(granted));
        }
        return Reply.ok(new Smb2CreateResponse(granted.level(), action, f.creationTime(), f.lastAccessTime(),
                f.lastWriteTime(), f.changeTime(), f.allocationSize(), f.endOfFile(), f.attributes(),
                new Smb2FileId(open.persistentId(), open.volatileId()), contexts));
    }

    /**
     * [MS-SMB2] 3.3.5.9.8: one lease key names one file. A file about to be created is not the one a held lease
     * names, so its lease key must be free (smb2.lease.duplicate_create); checked before anything is created,
     * the table read here on the loop.
     */
    private static boolean leaseKeyHeld(RequestContext rc, Smb2CreateRequest req, Oplocks oplocks)
            throws Smb2Exception {
        LeaseContext lc = req.oplockLevel() == OplockLevel.LEASE ? LeaseContext.request(req, rc.conn) : null;
        return lc != null && rc.conn.client() != null && oplocks.leaseHeld(rc.conn.client().guid(), lc.key());
    }

    /** What the CREATE asks of the oplock table: its RequestedOplockLevel or lease, and what decides breaks. */
    private static OplockRequest oplockRequest(RequestContext rc, Smb2CreateRequest req, int access, boolean isDir,
            boolean overwrite) throws Smb2Exception {
        // a stat open (attributes and SYNCHRONIZE only, at least one of them; as Windows and Samba, smb2.oplock
        // statopen1) breaks no oplock and gets none, unless it overwrites the file (smb2.oplock batch13); for leases
        // READ_CONTROL counts too (smb2.lease.statopen4), and a stat open may hold one
        int statBits = AccessMask.FILE_READ_ATTRIBUTES | AccessMask.FILE_WRITE_ATTRIBUTES | AccessMask.SYNCHRONIZE;
        boolean stat = !overwrite && (access & statBits) != 0 && (access & ~statBits) == 0;
        int leaseStatBits = statBits | AccessMask.READ_CONTROL;
        boolean leaseStat = !overwrite && (access & leaseStatBits) != 0 && (access & ~leaseStatBits) == 0;
        String guid = rc.conn.client() != null ? rc.conn.client().guid() : null;
        int level = req.oplockLevel();
        if (level == OplockLevel.LEASE) {
            LeaseContext lc = LeaseContext.request(req, rc.conn);
            if (lc != null) {
                return new OplockRequest(guid, level, lc.key(), lc.state(), lc.version(), lc.epoch(), lc.parentKey(),
                        stat, leaseStat, overwrite, isDir);
            }
            level = OplockLevel.NONE; // a lease level without a lease context: no oplock (as Samba)
        }
        return new OplockRequest(guid, level, null, 0, 0, 0, null, stat, leaseStat, overwrite, isDir);
    }

    private static void checkExisting(Smb2CreateRequest req, int disp, int opts, boolean isDir) throws Smb2Exception {
        if (disp == Smb2CreateRequest.FILE_CREATE) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_COLLISION, "'" + req.name() + "' exists (FILE_CREATE)");
        }
        if (isDir && (opts & Smb2CreateRequest.FILE_NON_DIRECTORY_FILE) != 0) {
            throw new Smb2Exception(NtStatus.FILE_IS_A_DIRECTORY, "'" + req.name() + "' is a directory");
        }
        if (!isDir && (opts & Smb2CreateRequest.FILE_DIRECTORY_FILE) != 0) {
            throw new Smb2Exception(NtStatus.NOT_A_DIRECTORY, "'" + req.name() + "' is not a directory");
        }
        if (isDir && disp != Smb2CreateRequest.FILE_OPEN && disp != Smb2CreateRequest.FILE_OPEN_IF) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "'" + req.name()
                    + "' is a directory; disposition " + disp + " would overwrite it");
        }
    }

    /** The share-relative name of {@code rel}'s directory ("" for the share's root). */
    private static String parentRel(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    /** Truncates for OVERWRITE, OVERWRITE_IF and SUPERSEDE, and returns the CreateAction. */
    private static int overwrite(Vfs.Handle h, int disp, boolean isDir) throws IOException {
        if (isDir || disp == Smb2CreateRequest.FILE_OPEN || disp == Smb2CreateRequest.FILE_OPEN_IF) {
            return Smb2CreateResponse.FILE_OPENED;
        }
        try (FileChannel ch = h.channel(true)) {
            ch.truncate(0);
        }
        return disp == Smb2CreateRequest.FILE_SUPERSEDE ? Smb2CreateResponse.FILE_SUPERSEDED
                : Smb2CreateResponse.FILE_OVERWRITTEN;
    }

    /** A data channel on exactly the object of {@code h} when the access asks for data, else null. */
    static FileChannel dataChannel(Vfs.Handle h, boolean isDir, int access) throws IOException {
        if (!isDir && (access & AccessMask.DATA_RIGHTS) != 0) {
            return h.channel((access & (AccessMask.FILE_WRITE_DATA | AccessMask.FILE_APPEND_DATA)) != 0);
        }
        return null;
    }

    /** The AllocationSize of the CREATE's AlSi context (unsigned, as a long), 0 without one, -1 when malformed. */
    private static long requestedAllocation(Smb2CreateRequest req) {
        Smb2CreateContext c = req.context(ALLOCATION_SIZE);
        if (c == null) {
            return 0;
        }
        if (c.data().length != 8) {
            return -1;
        }
        long v = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return v < 0 ? Long.MAX_VALUE : v; // beyond 2^63: no file gets there, answered as the largest
    }

    static List<Smb2CreateContext> responseContexts(Smb2CreateRequest req, FileInfo f, int maximal) {
        List<Smb2CreateContext> out = new ArrayList<>();
        if (req.context(Smb2CreateContext.MAXIMAL_ACCESS) != null) {
            // 2.2.14.2.5: QueryStatus (4), MaximalAccess (4).
            out.add(new Smb2CreateContext(Smb2CreateContext.MAXIMAL_ACCESS, ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN).putInt(NtStatus.SUCCESS).putInt(maximal).array()));
        }
        if (req.context(Smb2CreateContext.QUERY_ON_DISK_ID) != null) {
            // 2.2.14.2.9: DiskFileId (8), VolumeId (8), Reserved (16).
            out.add(new Smb2CreateContext(Smb2CreateContext.QUERY_ON_DISK_ID, ByteBuffer.allocate(32)
                    .order(ByteOrder.LITTLE_ENDIAN).putLong(f.fileId()).putLong(0).array()));
        }
        return out;
    }
}
