package io.swrap.smb.vfs;

/** What statx(2) says about a file; times as FILETIMEs ({@link FileTimes}; birth = mtime where unknown). */
public record Stat(long dev, long ino, int mode, int nlink, int uid, int gid, long size, long atime,
        long mtime, long ctime, long btime) {
    private static final int S_IFMT = 0170000;

    public boolean isDirectory() {
        return (mode & S_IFMT) == 0040000;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == 0120000;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == 0100000;
    }
}
