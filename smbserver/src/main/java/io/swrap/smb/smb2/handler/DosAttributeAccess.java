package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.FileInfo;

/** What an existing object's DOS attributes allow a CREATE, as Samba's open_file_ntcreate decides it. */
final class DosAttributeAccess {
    private DosAttributeAccess() {
    }

    /** The access of an open of an object with {@code attributes}, or the refusal (see the two checks below). */
    static int check(Smb2CreateRequest req, int attributes, int access, boolean deleteOnClose, boolean isDir)
            throws Smb2Exception {
        int disp = req.createDisposition();
        checkOverwrite(req, disp, attributes);
        return (attributes & FileInfo.ATTR_READONLY) != 0 ? readOnly(req, disp, access, deleteOnClose, isDir) : access;
    }

    /**
     * As Samba's open_match_attributes: overwriting a HIDDEN or SYSTEM file needs the CREATE to name those
     * attributes again (smb2.dosmode), else ACCESS_DENIED.
     */
    private static void checkOverwrite(Smb2CreateRequest req, int disp, int existing) throws Smb2Exception {
        int kept = existing & (FileInfo.ATTR_HIDDEN | FileInfo.ATTR_SYSTEM);
        if ((disp == Smb2CreateRequest.FILE_OVERWRITE || disp == Smb2CreateRequest.FILE_OVERWRITE_IF)
                && (kept & ~req.fileAttributes()) != 0) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "overwriting '" + req.name() + "' (attributes 0x"
                    + Integer.toHexString(existing) + ") with FileAttributes 0x" + Integer.toHexString(req.fileAttributes())
                    + " would drop HIDDEN/SYSTEM");
        }
    }

    /**
     * The access of an open of an existing READONLY object, or the refusal: as Samba's check_base_file_access and
     * [MS-FSA] 2.1.5.1.2.1, a file's data cannot be opened for writing or overwritten (ACCESS_DENIED), and neither a
     * file nor a directory can be opened for delete-on-close (CANNOT_DELETE). MAXIMUM_ALLOWED gets what is left.
     */
    private static int readOnly(Smb2CreateRequest req, int disp, int access, boolean deleteOnClose,
            boolean isDir) throws Smb2Exception {
        if (deleteOnClose) {
            throw new Smb2Exception(NtStatus.CANNOT_DELETE, "'" + req.name() + "' is READONLY: no FILE_DELETE_ON_CLOSE");
        }
        if (isDir) {
            return access; // a directory's READONLY is only a mark (Windows uses it for folder customization)
        }
        int write = AccessMask.FILE_WRITE_DATA | AccessMask.FILE_APPEND_DATA;
        if ((req.desiredAccess() & AccessMask.MAXIMUM_ALLOWED) != 0) {
            int asked = AccessMask.map(req.desiredAccess() & ~AccessMask.MAXIMUM_ALLOWED, 0);
            access = asked | access & ~(write | AccessMask.FILE_WRITE_EA | AccessMask.DELETE);
        }
        if ((access & write) != 0 || disp == Smb2CreateRequest.FILE_SUPERSEDE
                || disp == Smb2CreateRequest.FILE_OVERWRITE || disp == Smb2CreateRequest.FILE_OVERWRITE_IF) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "'" + req.name() + "' is READONLY: access 0x"
                    + Integer.toHexString(access) + ", disposition " + disp + " would write it");
        }
        return access;
    }
}
