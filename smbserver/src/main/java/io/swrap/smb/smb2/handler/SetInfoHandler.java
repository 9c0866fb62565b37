package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2SetInfoRequest;
import io.swrap.smb.smb2.codec.Smb2SetInfoResponse;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.OpenBelow;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.oplock.Oplocks;
import io.swrap.smb.smb2.fscc.FileInformation;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.WriteTime;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.ExtendedAttributes;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.KeyNames;
import io.swrap.smb.vfs.StoredInfo;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.vfs.Stat;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * [MS-SMB2] 3.3.5.21 Receiving an SMB2 SET_INFO Request, for SMB2_0_INFO_FILE classes Basic (4),
 * Rename (10, [MS-FSCC] 2.4.37.2 SMB2 form), Disposition (13), Position (14), FullEa (15), Allocation (19) and
 * EndOfFile (20), and SMB2_0_INFO_SECURITY ({@link SecuritySetInfo}), with the access checks of [MS-FSA] 2.1.5.14.
 */
final class SetInfoHandler implements Smb2CommandHandler {
    private static final int FILE_ATTRIBUTE_TEMPORARY = 0x100;
    private static final int INFO_SECURITY = 3;
    private static final int FILE_NOTIFY_CHANGE_EA = 0x80;

    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2SetInfoRequest req = Smb2SetInfoRequest.decode(rc.request);
        Open open = rc.open(req.fileId());
        if (req.infoType() == INFO_SECURITY) {
            return SecuritySetInfo.set(rc, open, req.additionalInformation(), req.buffer());
        }
        if (req.infoType() != 1) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "SET_INFO InfoType " + req.infoType()
                    + " (file system, quota) is not supported");
        }
        ByteBuf b = req.buffer();
        // the checks run here, on the loop; the system calls on the I/O pool; the open's state and the file's
        // record change back on the loop
        return switch (req.infoClass()) {
            case FileInformation.BASIC -> changed(rc, open, basic(open, b), ChangeNotify.FILE_NOTIFY_CHANGE_ATTRIBUTES
                    | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE | ChangeNotify.FILE_NOTIFY_CHANGE_CREATION);
            case FileInformation.RENAME -> rename(rc, open, b);
            case FileInformation.DISPOSITION -> disposition(rc, open, b);
            case FileInformation.POSITION -> {
                need(b, 8);
                open.position(b.getLongLE(b.readerIndex()));
                yield Reply.ok(new Smb2SetInfoResponse());
            }
            case FileInformation.ALLOCATION -> resized(rc, open, allocation(open, b));
            case FileInformation.END_OF_FILE -> resized(rc, open, endOfFile(open, b));
            case FileInformation.FULL_EA -> {
                requireAccess(open, AccessMask.FILE_WRITE_EA, "setting EAs");
                var eas = ExtendedAttributes.parse(ByteBufUtil.getBytes(b));
                Vfs.Handle file = open.handle();
                yield changed(rc, open, () -> ExtendedAttributes.write(file, eas), FILE_NOTIFY_CHANGE_EA);
            }
            default -> throw new Smb2Exception(NtStatus.INVALID_INFO_CLASS, "SET_INFO file information class "
                    + req.infoClass() + " is not supported");
        };
    }

    /** A change checked on the loop: the system calls that make it, run on the I/O pool. */
    interface FileOp {
        void run() throws Smb2Exception, IOException;
    }

    /** Runs {@code op} on the I/O pool, then reports {@code filter} to CHANGE_NOTIFY on the loop. */
    static Reply changed(RequestContext rc, Open open, FileOp op, int filter) {
        return rc.offLoop(() -> {
            op.run();
            return Boolean.TRUE;
        }, done -> {
            rc.conn.server().changeNotify().report(open.path(), ChangeNotify.FILE_ACTION_MODIFIED, filter);
            return Reply.ok(new Smb2SetInfoResponse());
        }, done -> { });
    }

    /** A size change, checked on the loop: the truncation or extension that runs on the I/O pool. */
    private interface Resize {
        void run() throws IOException;
    }

    /**
     * Resizes on the I/O pool, then reports the change and breaks the other opens' caching on the loop. A new size,
     * or any size set through an open that wrote, sets LastWriteTime to now unless the open set or froze it
     * ({@link io.swrap.smb.state.WriteTime}).
     */
    private static Reply resized(RequestContext rc, Open open, Resize resize) {
        Vfs.Handle file = open.handle();
        String path = open.path().toString();
        WriteTime times = open.writeTime();
        boolean userSet = times.userSet();
        boolean wrote = times.wrote();
        return rc.offLoop(() -> {
            Stat before = file.stat();
            resize.run();
            boolean changed = file.stat().size() != before.size();
            if (!userSet && (wrote || changed)) {
                times.stamp(file, path);
            } else if (changed) {
                times.restore(file, before.mtime(), path);
            }
            return changed;
        }, changed -> {
            times.updateNow(changed);
            rc.conn.server().changeNotify().report(open.path(), ChangeNotify.FILE_ACTION_MODIFIED,
                    ChangeNotify.FILE_NOTIFY_CHANGE_SIZE);
            // [MS-FSA] 2.1.5.14.3/.4: a size change breaks the other opens' read caching, as a write does
            BreakSender.send(rc.conn.server(), rc.conn.server().oplocks().written(open.key(), open.owner()));
            return Reply.ok(new Smb2SetInfoResponse());
        }, done -> { });
    }

    private static void need(ByteBuf b, int n) throws Smb2Exception {
        if (b.readableBytes() < n) {
            throw new Smb2Exception(NtStatus.INFO_LENGTH_MISMATCH, "SET_INFO buffer of " + b.readableBytes()
                    + " bytes (expected: >= " + n + ")");
        }
    }

    private static void requireAccess(Open open, int right, String what) throws Smb2Exception {
        if (!open.has(right)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, what + " needs access 0x" + Integer.toHexString(right)
                    + "; the handle has 0x" + Integer.toHexString(open.access()));
        }
    }

    /** FileBasicInformation: four times (0 and -1 mean "leave unchanged") and FileAttributes (0: unchanged). */
    private static FileOp basic(Open open, ByteBuf b) throws Smb2Exception {
        need(b, 36);
        requireAccess(open, AccessMask.FILE_WRITE_ATTRIBUTES, "setting basic information");
        int i = b.readerIndex();
        if (open.isDirectory() && (b.getIntLE(i + 32) & FILE_ATTRIBUTE_TEMPORARY) != 0) {
            // [MS-FSA] 2.1.5.14.2: "FILE_ATTRIBUTE_TEMPORARY ... on a directory: STATUS_INVALID_PARAMETER".
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FILE_ATTRIBUTE_TEMPORARY on a directory");
        }
        long created = b.getLongLE(i);
        long accessed = b.getLongLE(i + 8);
        long written = b.getLongLE(i + 16);
        long changed = b.getLongLE(i + 24);
        int attributes = b.getIntLE(i + 32) & StoredInfo.SETTABLE;
        // [MS-FSA] 2.1.5.14.2: -1 freezes LastWriteTime for this open, -2 unfreezes it; as on Windows, even a
        // request with no time flushes the write time an earlier write through this open left pending
        WriteTime times = open.writeTime();
        times.userSet(written);
        boolean stamp = times.updateNow(false);
        Vfs.Handle file = open.handle();
        String path = open.path().toString();
        return () -> {
            if (set(accessed) || set(written)) {
                file.setTimes(set(accessed) ? accessed : Vfs.Handle.UNCHANGED,
                        set(written) ? written : Vfs.Handle.UNCHANGED);
            }
            if (set(created) || set(changed) || attributes != 0) {
                // Linux keeps none of these: they are stored beside the file (0 leaves a value unchanged).
                StoredInfo.update(file, attributes, set(created) ? created : 0, set(changed) ? changed : 0);
            }
            if (stamp) {
                times.stamp(file, path);
            }
        };
    }

    /** Whether a FILETIME of FileBasicInformation sets the time (0, -1 and -2 leave it as it is). */
    private static boolean set(long ft) {
        return ft != 0 && ft != -1 && ft != -2;
    }

    /** FileRenameInformation: ReplaceIfExists (1), Reserved (7), RootDirectory (8), FileNameLength (4), FileName. */
    private static Reply rename(RequestContext rc, Open open, ByteBuf b) throws Smb2Exception {
        need(b, 20);
        requireAccess(open, AccessMask.DELETE, "rename");
        int i = b.readerIndex();
        boolean replace = b.getByte(i) != 0;
        long nameLen = b.getUnsignedIntLE(i + 16);
        if (nameLen == 0 || 20 + nameLen > b.readableBytes()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "rename FileNameLength " + nameLen + " in a "
                    + b.readableBytes() + "-byte buffer");
        }
        String name = b.toString(i + 20, (int) nameLen, StandardCharsets.UTF_16LE);
        Share share = open.tree().share();
        if (open.path().equals(share.root())) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "the root of share [" + share.name() + "] cannot be renamed");
        }
        Vfs.Handle self = open.handle();
        return rc.offLoop(() -> target(share, self, name, replace), t -> renameChecked(rc, open, t, null), t -> { });
    }

    /**
     * Where a rename goes, as the I/O pool found it: {@code targetKey} is the record of the file it replaces
     * (null when none), {@code parentKey} that of the directory it goes into.
     */
    private record Target(String name, Share.Resolved resolved, Path dest, String destRel, boolean replaces,
            FileKey targetKey, FileKey parentKey) {
    }

    /** Runs on the I/O pool: resolves the new name and stats what the rename would replace and its directory. */
    private static Target target(Share share, Vfs.Handle self, String name, boolean replace)
            throws Smb2Exception, IOException {
        Share.Resolved target = share.resolve(name);
        if (!target.parentExists()) {
            throw new Smb2Exception(NtStatus.OBJECT_PATH_NOT_FOUND, "rename target directory of '" + name + "' does not exist");
        }
        if (target.rel().isEmpty()) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "rename target '" + name + "' is the share's root");
        }
        // Keep the client's spelling of the last component (a case-only rename must change the name).
        String last = target.name().substring(target.name().lastIndexOf('\\') + 1);
        Path dest = target.path().resolveSibling(KeyNames.encode(last));
        String destRel = share.rel(dest);
        Vfs vfs = share.vfs();
        boolean replaces = false;
        FileKey targetKey = null;
        if (target.exists()) {
            Stat t;
            try (Vfs.Handle th = vfs.open(target.rel())) {
                t = th.stat();
            }
            Stat st = self.stat();
            if (t.dev() != st.dev() || t.ino() != st.ino()) {
                if (!replace) {
                    throw new Smb2Exception(NtStatus.OBJECT_NAME_COLLISION, "rename target '" + name + "' exists");
                }
                if (t.isDirectory()) {
                    throw new Smb2Exception(NtStatus.ACCESS_DENIED, "rename target '" + name + "' is a directory");
                }
                dest = target.path();
                destRel = target.rel();
                targetKey = FileKey.of(t);
                replaces = true;
            }
        }
        Stat parent;
        try (Vfs.Handle p = vfs.open(share.rel(dest.getParent()))) {
            parent = p.stat();
        } catch (VfsException e) {
            throw Vfs.toSmb(e, "opening the directory of " + share.relativeName(dest) + " to rename into it");
        }
        return new Target(name, target, dest, destRel, replaces, targetKey, FileKey.of(parent));
    }

    /** On the loop: the share-mode checks of the rename; then the rename itself on the I/O pool. */
    private static Reply renameChecked(RequestContext rc, Open open, Target t, OplockWait waiting)
            throws Smb2Exception, IOException {
        Share share = open.tree().share();
        ShareModes modes = rc.conn.server().shareModes();
        Oplocks oplocks = rc.conn.server().oplocks();
        OplockRequest lease = oplocks.leaseRequestOf(open.owner());
        if (lease != null && OplockWait.possible(rc)) {
            // a leased open's rename first takes handle caching from the file's other leases and waits for their
            // acknowledgments (run again as each comes), as Windows and Samba (smb2.lease.rename_wait)
            BreakSender.send(rc.conn.server(), oplocks.prepareHandleBreak(open.key(), lease));
            if (oplocks.leaseBreaking(open.key(), lease)) {
                return OplockWait.start(rc, waiting, open.key(), lease, w -> renameChecked(rc, open, t, w), () -> { });
            }
        }
        if (t.replaces()) {
            // Replacing works like an open of the target for DELETE: its opens must share delete. Those opens
            // keep the replaced file, whose record (its inode's) the rename leaves as it is.
            modes.checkSharing(t.targetKey(), t.dest(), ShareModes.Entry.probe(ShareModes.DELETE,
                    ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE));
        }
        // As Windows (smb2.rename.*_delete_access, smb2.notify.mask-change): a rename opens the target's directory
        // to add an entry (FILE_ADD_FILE or FILE_ADD_SUBDIRECTORY) sharing READ|WRITE, so an open of that
        // directory holding DELETE, or not sharing WRITE, makes it fail with STATUS_SHARING_VIOLATION.
        modes.checkSharing(t.parentKey(), t.dest().getParent(), ShareModes.Entry.probe(open.isDirectory()
                ? ShareModes.FILE_APPEND_DATA : ShareModes.FILE_WRITE_DATA,
                ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE));
        Path src = open.path();
        if (open.isDirectory() && rc.conn.server().files().hasOpenBelow(src)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "directory " + share.relativeName(src)
                    + " has open files below it");
        }
        if (open.isDirectory()) {
            // other workers' opens are in the shared records by file identity only: look for them below src
            java.util.Set<FileKey> elsewhere = rc.conn.server().files().openElsewhere();
            if (!elsewhere.isEmpty()) {
                return rc.offLoop(() -> Optional.ofNullable(OpenBelow.find(src, elsewhere)), below -> {
                    if (below.isPresent()) {
                        throw new Smb2Exception(NtStatus.ACCESS_DENIED, "directory " + share.relativeName(src)
                                + " has open files below it (" + share.relativeName(below.get())
                                + ", held by another worker)");
                    }
                    return renameNow(rc, open, t);
                }, below -> { });
            }
        }
        return renameNow(rc, open, t);
    }

    /** The rename itself on the I/O pool, once its checks passed; then the opens' names and change notifications. */
    private static Reply renameNow(RequestContext rc, Open open, Target t) throws Smb2Exception {
        Share share = open.tree().share();
        Path src = open.path();
        String srcRel = share.rel(src);
        if (srcRel.equals(t.destRel())) {
            return Reply.ok(new Smb2SetInfoResponse()); // renamed to its own name
        }
        Vfs vfs = share.vfs();
        return rc.offLoop(() -> {
            try {
                // replace only what was checked above; a name that appeared since is not overwritten
                vfs.rename(srcRel, t.destRel(), t.replaces());
            } catch (VfsException e) {
                throw Vfs.toSmb(e, "renaming " + share.relativeName(src) + " to '" + t.name() + "'");
            }
            return Boolean.TRUE;
        }, done -> {
            // the records are keyed by inode: only the names the opens know follow
            rc.conn.server().files().renamed(src, t.dest());
            open.renamed();
            int bit = ChangeNotify.nameBit(open.isDirectory());
            boolean sameDir = src.getParent().equals(t.dest().getParent());
            rc.conn.server().changeNotify().report(List.of(
                    new ChangeNotify.Change(src, sameDir ? ChangeNotify.FILE_ACTION_RENAMED_OLD_NAME
                            : ChangeNotify.FILE_ACTION_REMOVED, bit),
                    new ChangeNotify.Change(t.dest(), sameDir ? ChangeNotify.FILE_ACTION_RENAMED_NEW_NAME
                            : ChangeNotify.FILE_ACTION_ADDED, bit)));
            return Reply.ok(new Smb2SetInfoResponse());
        }, done -> { });
    }

    /** FileDispositionInformation: DeletePending (1); a READONLY file or non-empty directory cannot be deleted. */
    private static Reply disposition(RequestContext rc, Open open, ByteBuf b) throws Smb2Exception {
        need(b, 1);
        requireAccess(open, AccessMask.DELETE, "delete");
        boolean delete = b.getByte(b.readerIndex()) != 0;
        Share share = open.tree().share();
        if (delete && open.path().equals(share.root())) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "the root of share [" + share.name()
                    + "] cannot be deleted");
        }
        if (!delete) {
            return pending(rc, open, false);
        }
        String name = share.relativeName(open.path());
        Vfs.Handle file = open.handle();
        boolean dir = open.isDirectory();
        return rc.offLoop(() -> {
            if ((FileInfo.of(file).attributes() & FileInfo.ATTR_READONLY) != 0) {
                // [MS-FSA] 2.1.5.14.3, and Samba's can_set_delete_on_close
                throw new Smb2Exception(NtStatus.CANNOT_DELETE, name + " is READONLY: clear the attribute before"
                        + " deleting it");
            }
            if (dir && !file.list().isEmpty()) {
                throw new Smb2Exception(NtStatus.DIRECTORY_NOT_EMPTY, name + " is not empty");
            }
            return Boolean.TRUE;
        }, done -> pending(rc, open, true), done -> { });
    }

    /** Sets the open's and the file's delete disposition, on the loop. */
    private static Reply pending(RequestContext rc, Open open, boolean delete) {
        open.deleteOnClose(delete);
        rc.conn.server().shareModes().setDeletePending(open.key(), delete);
        return Reply.ok(new Smb2SetInfoResponse());
    }

    /** FileAllocationInformation: an allocation below the end of file truncates ([MS-FSA] 2.1.5.14.3). */
    private static Resize allocation(Open open, ByteBuf b) throws Smb2Exception {
        need(b, 8);
        requireAccess(open, AccessMask.FILE_WRITE_DATA, "setting the allocation size");
        long size = b.getLongLE(b.readerIndex());
        if (size < 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "AllocationSize " + size + " is negative");
        }
        FileChannel data = open.channel();
        return () -> {
            if (data != null && size < data.size()) {
                data.truncate(size);
            }
        };
    }

    /** FileEndOfFileInformation: truncate or extend with zeros. */
    private static Resize endOfFile(Open open, ByteBuf b) throws Smb2Exception {
        need(b, 8);
        requireAccess(open, AccessMask.FILE_WRITE_DATA, "setting the end of file");
        long size = b.getLongLE(b.readerIndex());
        if (size < 0 || open.channel() == null) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "EndOfFile " + size + " on "
                    + (open.channel() == null ? "a handle without data access" : "this file"));
        }
        FileChannel data = open.channel();
        Vfs.Handle file = open.handle();
        return () -> {
            long current = data.size();
            if (size < current) {
                data.truncate(size);
            } else if (size > current) {
                file.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        };
    }
}
