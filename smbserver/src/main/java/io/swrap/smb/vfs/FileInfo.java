package io.swrap.smb.vfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What SMB reports about a file: FILETIMEs, sizes, [MS-FSCC] 2.6 attributes and the inode as
 * the 64-bit file id (FileInternalInformation, FileIdBothDirectoryInformation).
 */
public record FileInfo(long creationTime, long lastAccessTime, long lastWriteTime, long changeTime,
        long endOfFile, long allocationSize, int attributes, boolean directory, long fileId, int links) {

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
                "unix:size,lastModifiedTime,lastAccessTime,creationTime,ctime,ino,nlink,isDirectory,mode");
        boolean dir = (Boolean) a.get("isDirectory");
        long size = dir ? 0 : (Long) a.get("size");
        int mode = (Integer) a.get("mode");
        int attrs = dir ? ATTR_DIRECTORY : ATTR_ARCHIVE;
        if ((mode & 0200) == 0) {
            attrs |= ATTR_READONLY;
        }
        return new FileInfo(
                FileTimes.toFiletime((FileTime) a.get("creationTime")),
                FileTimes.toFiletime((FileTime) a.get("lastAccessTime")),
                FileTimes.toFiletime((FileTime) a.get("lastModifiedTime")),
                FileTimes.toFiletime((FileTime) a.get("ctime")),
                size,
                (size + CLUSTER - 1) / CLUSTER * CLUSTER,
                attrs, dir, (Long) a.get("ino"), (Integer) a.get("nlink"));
    }
}
