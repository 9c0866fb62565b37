package io.swrap.smb.oplock;

/** [MS-SMB2] 2.2.13 RequestedOplockLevel / 2.2.14 OplockLevel values. */
public final class OplockLevel {
    public static final int NONE = 0x00;
    public static final int II = 0x01;
    public static final int EXCLUSIVE = 0x08;
    public static final int BATCH = 0x09;
    public static final int LEASE = 0xFF;

    private OplockLevel() {
    }

    /** True for the levels that let one open cache writes: only one open of a file may hold them. */
    static boolean exclusive(int level) {
        return level == EXCLUSIVE || level == BATCH;
    }

    public static String name(int level) {
        return switch (level) {
            case NONE -> "none";
            case II -> "II";
            case EXCLUSIVE -> "exclusive";
            case BATCH -> "batch";
            case LEASE -> "lease";
            default -> "0x" + Integer.toHexString(level);
        };
    }
}
