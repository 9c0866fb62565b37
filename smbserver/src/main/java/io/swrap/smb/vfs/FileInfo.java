package io.swrap.smb.vfs;

/**
 * What SMB reports about a file: FILETIMEs and [MS-FSCC] 2.6 attributes (with what a client set, see
 * {@link StoredInfo}; READONLY and DIRECTORY come from the file), sizes, the inode as the 64-bit file id
 * (FileInternalInformation, FileIdBothDirectoryInformation), the device it lives on, its owner, and the EaSize
 * of its EAs ({@link ExtendedAttributes#size}).
 */
public record FileInfo(long creationTime, long lastAccessTime, long lastWriteTime, long changeTime,
        long endOfFile, long allocationSize, int attributes, boolean directory, long fileId, int links, long device,
        int uid, int gid, int eaSize) {

    public static final int ATTR_READONLY = 0x01;
    public static final int ATTR_HIDDEN = 0x02;
    public static final int ATTR_SYSTEM = 0x04;
    public static final int ATTR_DIRECTORY = 0x10;
    public static final int ATTR_ARCHIVE = 0x20;
    public static final int ATTR_NORMAL = 0x80;
    public static final int ATTR_SPARSE_FILE = 0x200;
    /** Cluster size reported in FS information and used to round AllocationSize. */
    public static final int CLUSTER = 4096;

    /**
     * This with AllocationSize at least {@code bytes}: what an open answers while the AllocationSize its CREATE
     * asked for is larger than the file's data (see state.Open#allocation).
     */
    public FileInfo allocatedAtLeast(long bytes) {
        if (bytes <= allocationSize || directory) {
            return this;
        }
        return new FileInfo(creationTime, lastAccessTime, lastWriteTime, changeTime, endOfFile, bytes, attributes,
                directory, fileId, links, device, uid, gid, eaSize);
    }

    /** Reads what the open object {@code h} is (a symlink inside the share was followed when it was opened). */
    public static FileInfo of(Vfs.Handle h) throws VfsException {
        Stat st = h.stat();
        boolean dir = st.isDirectory();
        long size = dir ? 0 : st.size();
        long written = st.mtime();
        long created = st.btime();
        long changed = st.ctime();
        StoredInfo stored = StoredInfo.read(h);
        int attrs = dir ? 0 : ATTR_ARCHIVE;
        if (stored != null && stored.attributes() != 0) {
            attrs = stored.attributes() & ~(ATTR_NORMAL | ATTR_SPARSE_FILE);
        }
        if (!dir && SparseFlag.read(h)) {
            attrs |= ATTR_SPARSE_FILE; // only FSCTL_SET_SPARSE changes it ([MS-FSA] 2.1.5.14.2)
        }
        if (stored != null && stored.creationTime() != 0) {
            created = stored.creationTime();
        }
        if (stored != null && stored.changeTime() != 0 && stored.lastWriteTime() == written) {
            changed = stored.changeTime();
        }
        if (dir) {
            attrs |= ATTR_DIRECTORY;
        }
        if (stored == null && (st.mode() & 0200) == 0) {
            attrs |= ATTR_READONLY; // as Samba, the mode bits count only where no attributes are stored
        }
        if (attrs == 0) {
            attrs = ATTR_NORMAL; // [MS-FSCC] 2.6: "valid only when used alone"
        }
        return new FileInfo(created, st.atime(), written, changed,
                size, (size + CLUSTER - 1) / CLUSTER * CLUSTER, attrs, dir, st.ino(), st.nlink(), st.dev(),
                st.uid(), st.gid(), ExtendedAttributes.size(h));
    }
}
