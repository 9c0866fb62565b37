package io.swrap.smb.vfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a client set with FileBasicInformation ([MS-FSA] 2.1.5.14.2) that Linux cannot keep on the file itself:
 * FileAttributes, CreationTime and ChangeTime, kept in the extended attribute {@code user.swrap.info} (as Samba
 * keeps DOS attributes and the creation time in {@code user.DOSATTRIB}). Value, little-endian: FileAttributes (4),
 * CreationTime, ChangeTime and the file's LastWriteTime when they were set (FILETIMEs); 0 = not set. The stored
 * ChangeTime is reported only while LastWriteTime is unchanged: a later write changes the file again. File
 * systems without user extended attributes report what Linux has, as before.
 */
public record StoredInfo(int attributes, long creationTime, long changeTime, long lastWriteTime) {
    private static final String NAME = "swrap.info";
    private static final int SIZE = 28;
    /** Whether the file system with this device id takes user extended attributes. */
    private static final Map<Long, Boolean> SUPPORTED = new ConcurrentHashMap<>();

    /** What is stored for {@code path} on device {@code dev}, or null. */
    static StoredInfo read(Path path, long dev) throws IOException {
        if (!supported(path, dev)) {
            return null;
        }
        UserDefinedFileAttributeView v = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class);
        if (!v.list().contains(NAME)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int n = v.read(NAME, b);
        if (n != SIZE) {
            throw new IOException("extended attribute user." + NAME + " of " + path + " has " + n
                    + " bytes (expected: " + SIZE + ")");
        }
        return new StoredInfo(b.getInt(0), b.getLong(4), b.getLong(12), b.getLong(20));
    }

    /**
     * Records what a client set (0 keeps the stored value) with the file's current LastWriteTime. Does nothing
     * where user extended attributes are not supported.
     */
    public static void update(Path path, int attributes, long creationTime, long changeTime) throws IOException {
        FileInfo now = FileInfo.of(path);
        if (!supported(path, now.device())) {
            return;
        }
        StoredInfo old = read(path, now.device());
        int a = attributes != 0 ? attributes : old != null ? old.attributes : 0;
        long c = creationTime != 0 ? creationTime : old != null ? old.creationTime : 0;
        long ch = changeTime != 0 ? changeTime
                : old != null && old.lastWriteTime == now.lastWriteTime() ? old.changeTime : 0;
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(a).putLong(c).putLong(ch).putLong(now.lastWriteTime()).flip();
        Files.getFileAttributeView(path, UserDefinedFileAttributeView.class).write(NAME, b);
    }

    private static boolean supported(Path path, long dev) throws IOException {
        Boolean s = SUPPORTED.get(dev);
        if (s == null) {
            s = Files.getFileStore(path).supportsFileAttributeView(UserDefinedFileAttributeView.class);
            SUPPORTED.put(dev, s);
        }
        return s;
    }
}
