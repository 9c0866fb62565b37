package io.swrap.smb.vfs;

/**
 * Whether a file is sparse ([MS-FSA] 2.1.1.5 IsSparse, FILE_ATTRIBUTE_SPARSE_FILE): set only by FSCTL_SET_SPARSE,
 * kept in the extended attribute {@code user.swrap.sparse} (one byte, 1 or 0) of the open object, read and
 * written on its descriptor. Linux files have holes whatever this says; the flag decides what
 * FSCTL_QUERY_ALLOCATED_RANGES reports and the attribute clients see. Absent, or a file system without user
 * extended attributes: not sparse.
 */
public final class SparseFlag {
    private static final String NAME = "user.swrap.sparse";

    private SparseFlag() {
    }

    public static boolean read(Vfs.Handle h) throws VfsException {
        byte[] v = h.getXattr(NAME, 2);
        return v != null && v.length == 1 && v[0] == 1;
    }

    /** Records {@code sparse}; false when the file system keeps no user extended attributes. */
    public static boolean write(Vfs.Handle h, boolean sparse) throws VfsException {
        return h.setXattr(NAME, new byte[] {(byte) (sparse ? 1 : 0)});
    }
}
