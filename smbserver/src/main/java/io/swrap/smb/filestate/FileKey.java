package io.swrap.smb.filestate;

import io.swrap.smb.vfs.Stat;

/**
 * What identifies a file whatever its names: st_dev and st_ino of a stat through an open descriptor, and for a
 * named stream its name (lower case; "" for the file's data): each stream has its own share modes, oplocks and
 * byte-range locks, as on Windows.
 */
public record FileKey(long dev, long ino, String stream) {
    public FileKey(long dev, long ino) {
        this(dev, ino, "");
    }

    public static FileKey of(Stat st) {
        return new FileKey(st.dev(), st.ino());
    }

    /** The key of the named stream {@code stream} (lower case) of the file {@code st} is. */
    public static FileKey ofStream(Stat st, String stream) {
        return new FileKey(st.dev(), st.ino(), stream);
    }

    /** The key of the file this is a stream of (itself for the file's data). */
    public FileKey file() {
        return stream.isEmpty() ? this : new FileKey(dev, ino);
    }

    @Override
    public String toString() {
        return Long.toHexString(dev) + ":" + Long.toUnsignedString(ino) + (stream.isEmpty() ? "" : ":" + stream);
    }
}
