package io.swrap.smb.vfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What SMB reports about a file: FILETIMEs and [MS-FSCC] 2.6 attributes (with what a client set, see
 * {@link StoredInfo}; READONLY and DIRECTORY come from the file), sizes, the inode as the 64-bit file id
 * (FileInternalInformation, FileIdBothDirectoryInformation) and the device it lives on.
 */
public record FileInfo(long creationTime, long lastAccessTime, long lastWriteTime, long changeTime,
        long endOfFile, long allocationSize, int attributes, boolean directory, long fileId, int links, long device) {

    public static final int ATTR_READONLY = 0x01;
    public static final int ATTR_HIDDEN = 0x02;
    public static final int ATTR_DIRECTORY = 0x10;
    public static final int ATTR_ARCHIVE = 0x20;
    public static final int ATTR_NORMAL = 0x80;
    /** Cluster size reported in FS information and used to round AllocationSize. */
    public static final int CLUSTER = 4096;

    /** Reads {@code path}'s attributes, following a final symlink (the resolver confined it to the share). */
    public static FileInfo of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path,
                "unix:size,lastModifiedTime,lastAccessTime,creationTime,ctime,ino,nlink,isDirectory,mode,dev");
        boolean dir = (Boolean) a.get("isDirectory");
        long size = dir ? 0 : (Long) a.get("size");
        int mode = (Integer) a.get("mode");
        long dev = (Long) a.get("dev");
        long written = FileTimes.toFiletime((FileTime) a.get("lastModifiedTime"));
        long created = FileTimes.toFiletime((FileTime) a.get("creationTime"));
        long changed = FileTimes.toFiletime((FileTime) a.get("ctime"));
        StoredInfo stored = StoredInfo.read(path, dev);
        int attrs = dir ? 0 : ATTR_ARCHIVE;
        if (stored != null && stored.attributes() != 0) {
            attrs = stored.attributes() & ~ATTR_NORMAL;
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
        if ((mode & 0200) == 0) {
            attrs |= ATTR_READONLY;
        }
        if (attrs == 0) {
            attrs = ATTR_NORMAL; // [MS-FSCC] 2.6: "valid only when used alone"
        }
        return new FileInfo(created, FileTimes.toFiletime((FileTime) a.get("lastAccessTime")), written, changed,
                size, (size + CLUSTER - 1) / CLUSTER * CLUSTER, attrs, dir, (Long) a.get("ino"),
                (Integer) a.get("nlink"), dev);
    }
}
