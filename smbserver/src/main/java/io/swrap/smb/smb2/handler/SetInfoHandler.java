package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2SetInfoRequest;
import io.swrap.smb.smb2.codec.Smb2SetInfoResponse;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.smb2.fscc.FileInformation;
import io.swrap.smb.state.Open;
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
            SecuritySetInfo.set(rc, open, req.additionalInformation(), req.buffer());
            return Reply.ok(new Smb2SetInfoResponse());
        }
        if (req.infoType() != 1) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "SET_INFO InfoType " + req.infoType()
                    + " (file system, quota) is not supported");
        }
        ByteBuf b = req.buffer();
        switch (req.infoClass()) {
            case FileInformation.BASIC -> basic(open, b);
            case FileInformation.RENAME -> rename(rc, open, b);
            case FileInformation.DISPOSITION -> disposition(rc, open, b);
            case FileInformation.POSITION -> {
                need(b, 8);
                open.position(b.getLongLE(b.readerIndex()));
            }
            case FileInformation.ALLOCATION -> {
                return resized(rc, open, allocation(open, b));
            }
            case FileInformation.END_OF_FILE -> {
                return resized(rc, open, endOfFile(open, b));
            }
            case FileInformation.FULL_EA -> {
                requireAccess(open, AccessMask.FILE_WRITE_EA, "setting EAs");
                ExtendedAttributes.write(open.handle(), ExtendedAttributes.parse(ByteBufUtil.getBytes(b)));
            }
            default -> throw new Smb2Exception(NtStatus.INVALID_INFO_CLASS, "SET_INFO file information class "
                    + req.infoClass() + " is not supported");
        }
        int changed = switch (req.infoClass()) {
            case FileInformation.BASIC -> ChangeNotify.FILE_NOTIFY_CHANGE_ATTRIBUTES
                    | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE | ChangeNotify.FILE_NOTIFY_CHANGE_CREATION;
            case FileInformation.FULL_EA -> FILE_NOTIFY_CHANGE_EA;
            default -> 0;
        };
        if (changed != 0) {
            rc.conn.server().changeNotify().report(open.path(), ChangeNotify.FILE_ACTION_MODIFIED, changed);
        }
        return Reply.ok(new Smb2SetInfoResponse());
    }

    /** A size change, checked on the loop: the truncation or extension that runs on the I/O pool. */
    private interface Resize {
        void run() throws IOException;
    }

    /** Resizes on the I/O pool, then reports the change and breaks the other opens' caching on the loop. */
    private static Reply resized(RequestContext rc, Open open, Resize resize) {
        return rc.offLoop(() -> {
            resize.run();
            return Boolean.TRUE;
        }, done -> {
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
    private static void basic(Open open, ByteBuf b) throws Smb2Exception, IOException {
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
        if (set(accessed) || set(written)) {
            open.handle().setTimes(set(accessed) ? accessed : Vfs.Handle.UNCHANGED,
                    set(written) ? written : Vfs.Handle.UNCHANGED);
        }
        long changed = b.getLongLE(i + 24);
        int attributes = b.getIntLE(i + 32) & StoredInfo.SETTABLE;
        if (set(created) || set(changed) || attributes != 0) {
            // Linux keeps none of these: they are stored beside the file (0 leaves a value unchanged).
            StoredInfo.update(open.handle(), attributes, set(created) ? created : 0, set(changed) ? changed : 0);
        }
    }

    /** Whether a FILETIME of FileBasicInformation sets the time (0, -1 and -2 leave it as it is). */
    private static boolean set(long ft) {
        return ft != 0 && ft != -1 && ft != -2;
    }

    /** FileRenameInformation: ReplaceIfExists (1), Reserved (7), RootDirectory (8), FileNameLength (4), FileName. */
    private static void rename(RequestContext rc, Open open, ByteBuf b) throws Smb2Exception, IOException {
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
        Path src = open.path();
        Vfs vfs = share.vfs();
        if (src.equals(share.root())) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "the root of share [" + share.name() + "] cannot be renamed");
        }
        boolean sameFile = false;
        FileKey targetKey = null;
        if (target.exists()) {
            Stat t;
            try (Vfs.Handle th = vfs.open(target.rel())) {
                t = th.stat();
            }
            Stat self = open.handle().stat();
            sameFile = t.dev() == self.dev() && t.ino() == self.ino();
            if (!sameFile) {
                if (!replace) {
                    throw new Smb2Exception(NtStatus.OBJECT_NAME_COLLISION, "rename target '" + name + "' exists");
                }
                if (t.isDirectory()) {
                    throw new Smb2Exception(NtStatus.ACCESS_DENIED, "rename target '" + name + "' is a directory");
                }
                dest = target.path();
                destRel = target.rel();
                targetKey = FileKey.of(t);
            }
        }
        ShareModes modes = rc.conn.server().shareModes();
        if (target.exists() && !sameFile) {
            // Replacing works like an open of the target for DELETE: its opens must share delete. Those opens
            // keep the replaced file, whose record (its inode's) the rename leaves as it is.
            modes.checkSharing(targetKey, dest, ShareModes.Entry.probe(ShareModes.DELETE,
                    ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE));
        }
        // As Windows (smb2.rename.*_delete_access, smb2.notify.mask-change): a rename opens the target's directory
        // to add an entry (FILE_ADD_FILE or FILE_ADD_SUBDIRECTORY) sharing READ|WRITE, so an open of that
        // directory holding DELETE, or not sharing WRITE, makes it fail with STATUS_SHARING_VIOLATION.
        Stat parent;
        try (Vfs.Handle p = vfs.open(share.rel(dest.getParent()))) {
            parent = p.stat();
        } catch (VfsException e) {
            throw Vfs.toSmb(e, "opening the directory of " + share.relativeName(dest) + " to rename into it");
        }
        modes.checkSharing(FileKey.of(parent), dest.getParent(), ShareModes.Entry.probe(open.isDirectory()
                ? ShareModes.FILE_APPEND_DATA : ShareModes.FILE_WRITE_DATA,
                ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE));
        if (open.isDirectory() && rc.conn.server().files().hasOpenBelow(src)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "directory " + share.relativeName(src)
                    + " has open files below it");
        }
        if (share.rel(src).equals(destRel)) {
            return; // renamed to its own name
        }
        try {
            // replace only what was checked above; a name that appeared since is not overwritten
            vfs.rename(share.rel(src), destRel, target.exists() && !sameFile);
        } catch (VfsException e) {
            throw Vfs.toSmb(e, "renaming " + share.relativeName(src) + " to '" + name + "'");
        }
        // the records are keyed by inode: only the names the opens know follow
        rc.conn.server().files().renamed(src, dest);
        int bit = ChangeNotify.nameBit(open.isDirectory());
        boolean sameDir = src.getParent().equals(dest.getParent());
        rc.conn.server().changeNotify().report(List.of(
                new ChangeNotify.Change(src, sameDir ? ChangeNotify.FILE_ACTION_RENAMED_OLD_NAME
                        : ChangeNotify.FILE_ACTION_REMOVED, bit),
                new ChangeNotify.Change(dest, sameDir ? ChangeNotify.FILE_ACTION_RENAMED_NEW_NAME
                        : ChangeNotify.FILE_ACTION_ADDED, bit)));
    }

    /** FileDispositionInformation: DeletePending (1); a non-empty directory cannot be deleted. */
    private static void disposition(RequestContext rc, Open open, ByteBuf b) throws Smb2Exception, IOException {
        need(b, 1);
        requireAccess(open, AccessMask.DELETE, "delete");
        boolean delete = b.getByte(b.readerIndex()) != 0;
        if (delete && (FileInfo.of(open.handle()).attributes() & FileInfo.ATTR_READONLY) != 0) {
            // [MS-FSA] 2.1.5.14.3, and Samba's can_set_delete_on_close
            throw new Smb2Exception(NtStatus.CANNOT_DELETE, open.tree().share().relativeName(open.path())
                    + " is READONLY: clear the attribute before deleting it");
        }
        if (delete && open.path().equals(open.tree().share().root())) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "the root of share [" + open.tree().share().name()
                    + "] cannot be deleted");
        }
        if (delete && open.isDirectory() && !open.handle().list().isEmpty()) {
            throw new Smb2Exception(NtStatus.DIRECTORY_NOT_EMPTY, open.tree().share().relativeName(open.path())
                    + " is not empty");
        }
        open.deleteOnClose(delete);
        rc.conn.server().shareModes().setDeletePending(open.key(), delete);
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
