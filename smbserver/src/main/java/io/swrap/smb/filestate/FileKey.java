package io.swrap.smb.filestate;

import io.swrap.smb.vfs.Stat;

/** What identifies a file whatever its names: st_dev and st_ino of a stat through an open descriptor. */
public record FileKey(long dev, long ino) {
    public static FileKey of(Stat st) {
        return new FileKey(st.dev(), st.ino());
    }

    @Override
    public String toString() {
        return Long.toHexString(dev) + ":" + Long.toUnsignedString(ino);
    }
}
