package io.swrap.smb.oplock;

/** [MS-SMB2] 2.2.13.2.8 LeaseState bits. */
public final class LeaseState {
    public static final int NONE = 0;
    public static final int READ = 0x1;
    public static final int HANDLE = 0x2;
    public static final int WRITE = 0x4;

    private LeaseState() {
    }

    /**
     * The part of {@code requested} a server grants at most: R, RH, RW or RWH. Caching handles or
     * writes without caching reads is meaningless, so such requests get nothing (as in Windows and Samba).
     */
    static int grantable(int requested) {
        int s = requested & (READ | HANDLE | WRITE);
        return (s & READ) == 0 ? NONE : s;
    }

    /** "RHW"-style letters, "" for none, as smbtorture prints them. */
    public static String name(int state) {
        return ((state & READ) != 0 ? "R" : "") + ((state & HANDLE) != 0 ? "H" : "") + ((state & WRITE) != 0 ? "W" : "");
    }
}
