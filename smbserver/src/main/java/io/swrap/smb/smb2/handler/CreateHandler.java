package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.oplock.BreakNotice;
import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.oplock.Oplocks;
import io.swrap.smb.security.SecurityDescriptor;
import io.swrap.smb.security.StoredAcl;
import io.swrap.smb.state.Open;
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

/**
 * [MS-SMB2] 3.3.5.9 Receiving an SMB2 CREATE Request, with [MS-FSA] 2.1.5.1 semantics for the six
 * CreateDispositions, FILE_DIRECTORY_FILE / FILE_NON_DIRECTORY_FILE / FILE_DELETE_ON_CLOSE, and share
 * access checked against the other opens of the file, oplocks and leases granted and broken through the
 * server's {@link Oplocks} table (a CREATE that must wait for break acknowledgments goes async, see
 * {@link OplockWait}). Create contexts: MxAc, QFid and RqLs are answered; DHnQ/DH2Q grant durable
 * handles when the oplock or lease allows it and DHnC/DH2C reconnect them ({@link DurableContext},
 * {@link DurableReconnect}), a DH2Q's CreateGuid finds a replayed CREATE ({@link CreateReplay}), SecD and ExtA set a new
 * object's descriptor and EAs; other contexts are accepted and ignored. The object's ACL ({@link SecurityAccess}) and DOS
 * attributes ({@link DosAttributeAccess}) decide what an open may have. A new name is created atomically (exclusive open or mkdir beneath
 * the share's descriptor); EEXIST makes an OPEN_IF/OVERWRITE_IF open the existing file instead.
 */
final class CreateHandler implements Smb2CommandHandler {
    /** Lookups and opens of one CREATE racing others that create and remove the same name. */
    private static final int CREATE_ATTEMPTS = 3;
    /** [MS-SMB2] 2.2.13.2: SMB2_CREATE_EA_BUFFER, the EAs of a new file. */
    private static final String EA_BUFFER = "ExtA";

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
        CreateReplay.Pending pending = null;
        if (durable.kind() == DurableContext.Kind.V2_REQUEST) {
            CreateReplay.Lookup found = CreateReplay.lookup(rc, req, durable);
            if (found.reply() != null) {
                return found.reply();
            }
            pending = found.pending();
        }
        return run(rc, null, durable, pending);
    }

    /** One run of the CREATE; a failure frees its CreateGuid for a new CREATE (a replay then opens anew). */
    private Reply run(RequestContext rc, OplockWait waiting, DurableContext durable, CreateReplay.Pending pending)
            throws Smb2Exception, IOException {
        try {
            return create(rc, waiting, durable, pending);
        } catch (Smb2Exception | IOException | RuntimeException e) {
            CreateReplay.abandon(rc, pending);
            throw e;
        }
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
        boolean wantsDir = (opts & Smb2CreateRequest.FILE_DIRECTORY_FILE) != 0;
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
        ShareModes modes = rc.conn.server().shareModes();
        long fileId = rc.conn.server().newFileId();
        ShareModes.Entry entry = new ShareModes.Entry(OwnerId.of(rc.conn.client() != null ? rc.conn.client().guid()
                : null, fileId, fileId), access, req.shareAccess());
        Oplocks oplocks = rc.conn.server().oplocks();
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
            leaseKeyFree(rc, req, oplocks);
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
        FileKey key;
        boolean isDir;
        OplockRequest oreq;
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
            key = stream.named() ? FileKey.ofStream(st, stream.key()) : FileKey.of(st);
            isDir = st.isDirectory();
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
                entry = new ShareModes.Entry(entry.owner(), access, req.shareAccess());
                if (deleteOnClose && isDir && !handle.list().isEmpty()) {
                    throw new Smb2Exception(NtStatus.DIRECTORY_NOT_EMPTY, "'" + req.name()
                            + "' opened with FILE_DELETE_ON_CLOSE is not empty");
                }
                oreq = oplockRequest(rc, req, access, isDir, disp != Smb2CreateRequest.FILE_OPEN
                        && disp != Smb2CreateRequest.FILE_OPEN_IF && !isDir);
                // [MS-FSA] 2.1.5.1.2: a sharing violation breaks only what caches handles (then the open checks
                // again); otherwise the open breaks what conflicts with it. Either way it waits for the holders to
                // acknowledge before it goes on ([MS-SMB2] 3.3.5.9).
                List<BreakNotice> breaks = modes.violates(key, entry)
                        ? oplocks.prepareSharingViolationBreak(key, oreq) : oplocks.prepare(key, oreq);
                BreakSender.send(rc.conn.server(), breaks);
                if (oplocks.breaking(key, oreq) && OplockWait.possible(rc)) {
                    handle.close();
                    return OplockWait.start(rc, waiting, key, oreq, rerun, abandon);
                }
                modes.acquire(key, path, entry);
                try {
                    action = StreamOpen.isNew(handle) ? StreamOpen.create(handle) : overwrite(handle, disp, isDir);
                    if (action != Smb2CreateResponse.FILE_OPENED && !stream.named()) {
                        StoredInfo.overwritten(handle, req.fileAttributes());
                        NamedStreams.removeAll(handle);
                    }
                } catch (IOException | RuntimeException e) {
                    modes.release(entry);
                    throw e;
                }
            } else {
                StoredInfo.created(handle, req.fileAttributes(), isDir);
                if (eas != null) {
                    ExtendedAttributes.write(handle, eas);
                }
                oreq = oplockRequest(rc, req, access, isDir, false);
                modes.acquire(key, path, entry);
            }
        } catch (Smb2Exception | IOException | RuntimeException e) {
            handle.close();
            throw e;
        }
        Open open;
        try {
            open = newOpen(rc, fileId, handle, isDir, access, entry);
        } catch (IOException e) {
            modes.release(entry);
            handle.close();
            throw Vfs.toSmb(e, "opening '" + req.name() + "'");
        }
        open.deleteOnClose(deleteOnClose);
        open.createAction(action);
        open.channelSequence(rc.request.header().status() & 0xFFFF);
        Granted granted = oplocks.grant(key, open.owner(), oreq);
        if (durable.requested() && granted.allowsDurability()) {
            open.makeDurable(durable.v2(), durable.timeoutMs());
        }
        open.createGuid(durable.createGuid());
        open.clientGuid(rc.conn.client() != null ? rc.conn.client().guid() : null);
        rc.session.addOpen(open);
        CreateReplay.complete(rc, pending, open);
        rc.conn.compound().use(open.persistentId(), open.volatileId());
        ChangeNotify notify = rc.conn.server().changeNotify();
        if (stream.named()) {
            // a stream's changes are no name or data changes of the directory's entries
        } else if (action == Smb2CreateResponse.FILE_CREATED) {
            notify.report(path, ChangeNotify.FILE_ACTION_ADDED, ChangeNotify.nameBit(isDir));
        } else if (action != Smb2CreateResponse.FILE_OPENED) {
            notify.report(path, ChangeNotify.FILE_ACTION_MODIFIED,
                    ChangeNotify.FILE_NOTIFY_CHANGE_SIZE | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE);
        }
        FileInfo f = FileInfo.of(open.handle());
        List<Smb2CreateContext> contexts = responseContexts(req, f,
                req.context(Smb2CreateContext.MAXIMAL_ACCESS) != null ? SecurityAccess.maximal(rc, open.handle(), maximal)
                        : maximal);
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
     * names, so its lease key must be free (smb2.lease.duplicate_create); checked before anything is created.
     */
    private static void leaseKeyFree(RequestContext rc, Smb2CreateRequest req, Oplocks oplocks) throws Smb2Exception {
        LeaseContext lc = req.oplockLevel() == OplockLevel.LEASE ? LeaseContext.request(req, rc.conn) : null;
        if (lc != null && rc.conn.client() != null && oplocks.leaseHeld(rc.conn.client().guid(), lc.key())) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "lease key in use for another file, requested for"
                    + " new file '" + req.name() + "'");
        }
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

    /** The open of {@code h}, with a data channel on exactly that object when the access asks for data. */
    private static Open newOpen(RequestContext rc, long id, Vfs.Handle h, boolean isDir, int access,
            ShareModes.Entry entry) throws IOException {
        FileChannel ch = null;
        if (!isDir && (access & AccessMask.DATA_RIGHTS) != 0) {
            ch = h.channel((access & (AccessMask.FILE_WRITE_DATA | AccessMask.FILE_APPEND_DATA)) != 0);
        }
        return new Open(id, id, rc.tree, isDir, access, entry, h, ch);
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
