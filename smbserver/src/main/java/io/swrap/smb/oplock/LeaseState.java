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

    /**
     * The state a held lease {@code held} takes when another open with its key asks for {@code requested} and
     * {@code grantable} of it could be granted beside the file's other opens: the requested state when it is a
     * strict superset of what is held and all of it can be granted, otherwise what is held (smb2.lease.upgrade2
     * and upgrade3, as Windows and Samba: RH asked for RW stays RH, R beside another R lease asked for RHW
     * stays R, since W cannot be shared).
     */
    static int upgrade(int held, int requested, int grantable) {
        int asked = requested & (READ | HANDLE | WRITE);
        boolean superset = (asked & held) == held && asked != held;
        return superset && grantable == asked ? asked : held;
    }

    /** "RHW"-style letters, "" for none, as smbtorture prints them. */
    public static String name(int state) {
        return ((state & READ) != 0 ? "R" : "") + ((state & HANDLE) != 0 ? "H" : "") + ((state & WRITE) != 0 ? "W" : "");
    }
}
