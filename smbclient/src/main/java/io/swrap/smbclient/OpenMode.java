package io.swrap.smbclient;

/**
 * How {@link Tree#open} opens a file: the CREATE request's DesiredAccess and CreateDisposition
 * ([MS-SMB2] 2.2.13). Both share read, write and delete with other opens.
 */
public enum OpenMode {
    /** FILE_OPEN with read access: the file must exist. */
    READ(0x00120089, 1),
    /** FILE_OVERWRITE_IF with read and write access: created, or truncated when it exists. */
    OVERWRITE(0x0012019F, 5);

    /** FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE, plus the write rights. */
    final int desiredAccess;
    final int createDisposition;

    OpenMode(int desiredAccess, int createDisposition) {
        this.desiredAccess = desiredAccess;
        this.createDisposition = createDisposition;
    }
}
