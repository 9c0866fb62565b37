package io.swrap.smb.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a client set with FileBasicInformation ([MS-FSA] 2.1.5.14.2) that Linux cannot keep on the file itself:
 * FileAttributes, CreationTime and ChangeTime, kept in the extended attribute {@code user.swrap.info} (as Samba
 * keeps DOS attributes and the creation time in {@code user.DOSATTRIB}). Value, little-endian: FileAttributes (4),
 * CreationTime, ChangeTime and the file's LastWriteTime when they were set (FILETIMEs); 0 = not set. The stored
 * ChangeTime is reported only while LastWriteTime is unchanged: a later write changes the file again. File
 * systems without user extended attributes report what Linux has, as before. Read and written on the open
 * object's descriptor, never by name.
 */
public record StoredInfo(int attributes, long creationTime, long changeTime, long lastWriteTime) {
    private static final String NAME = "user.swrap.info";
    private static final int SIZE = 28;

    /**
     * [MS-FSCC] 2.6 attributes a client can set and that are stored: READONLY, HIDDEN, SYSTEM, ARCHIVE, NORMAL,
     * TEMPORARY, OFFLINE, NOT_CONTENT_INDEXED. DIRECTORY follows the file's type.
     */
    public static final int SETTABLE = 0x1 | 0x2 | 0x4 | 0x20 | 0x80 | 0x100 | 0x1000 | 0x2000;

    /** What is stored for the open object {@code h}, or null. */
    static StoredInfo read(Vfs.Handle h) throws VfsException {
        byte[] v = h.getXattr(NAME, SIZE + 1);
        if (v == null) {
            return null;
        }
        if (v.length != SIZE) {
            throw new VfsException(Errno.EINVAL, "getxattr " + NAME, v.length + " bytes (expected: " + SIZE
                    + "; remove the attribute with setfattr -x " + NAME + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new StoredInfo(b.getInt(0), b.getLong(4), b.getLong(12), b.getLong(20));
    }

    /**
     * Stores the FileAttributes of the CREATE that made {@code h} (a file is also ARCHIVE, as on Windows and Samba),
     * when they say more than ARCHIVE or NORMAL: the creating open keeps its access even when they hold READONLY.
     */
    public static void created(Vfs.Handle h, int fileAttributes, boolean directory) throws VfsException {
        int a = fileAttributes & SETTABLE & ~FileInfo.ATTR_NORMAL;
        if ((a & ~FileInfo.ATTR_ARCHIVE) != 0) {
            update(h, directory ? a : a | FileInfo.ATTR_ARCHIVE, 0, 0);
        }
    }

    /** An overwritten (or superseded) file takes the CREATE's FileAttributes and ARCHIVE, as on Windows and Samba. */
    public static void overwritten(Vfs.Handle h, int fileAttributes) throws VfsException {
        update(h, fileAttributes & SETTABLE & ~FileInfo.ATTR_NORMAL | FileInfo.ATTR_ARCHIVE, 0, 0);
    }

    /**
     * Records what a client set (0 keeps the stored value) with the file's current LastWriteTime. Does nothing
     * where user extended attributes are not supported.
     */
    public static void update(Vfs.Handle h, int attributes, long creationTime, long changeTime) throws VfsException {
        FileInfo now = FileInfo.of(h);
        StoredInfo old = read(h);
        int a = attributes != 0 ? attributes : old != null ? old.attributes : 0;
        long c = creationTime != 0 ? creationTime : old != null ? old.creationTime : 0;
        long ch = changeTime != 0 ? changeTime
                : old != null && old.lastWriteTime == now.lastWriteTime() ? old.changeTime : 0;
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(a).putLong(c).putLong(ch).putLong(now.lastWriteTime());
        h.setXattr(NAME, b.array());
    }
}
