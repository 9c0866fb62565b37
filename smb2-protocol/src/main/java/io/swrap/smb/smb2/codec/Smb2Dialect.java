package io.swrap.smb.smb2.codec;

/** Dialect revisions of [MS-SMB2] 2.2.3 (NEGOTIATE Request, Dialects). Unknown values pass through as ints. */
public final class Smb2Dialect {
    public static final int SMB2_02 = 0x0202;
    public static final int SMB2_10 = 0x0210;
    public static final int SMB3_00 = 0x0300;
    public static final int SMB3_02 = 0x0302;
    public static final int SMB3_11 = 0x0311;
    /** [MS-SMB2] 2.2.4: "SMB2 wildcard revision number", only in answer to an SMB1 multi-protocol negotiate. */
    public static final int SMB2_WILDCARD = 0x02FF;

    /** Every dialect this server implements, in ascending order. */
    public static final int[] SUPPORTED = {SMB2_02, SMB2_10, SMB3_00, SMB3_02, SMB3_11};

    private Smb2Dialect() {
    }

    /** True for 3.0, 3.0.2 and 3.1.1, the dialects with AES signing, encryption and the KDF. */
    public static boolean isSmb3(int dialect) {
        return dialect >= SMB3_00 && dialect != SMB2_WILDCARD;
    }

    public static String name(int dialect) {
        return switch (dialect) {
            case SMB2_02 -> "SMB2_02";
            case SMB2_10 -> "SMB2_10";
            case SMB3_00 -> "SMB3_00";
            case SMB3_02 -> "SMB3_02";
            case SMB3_11 -> "SMB3_11";
            case SMB2_WILDCARD -> "SMB2_FF";
            default -> String.format("0x%04x", dialect);
        };
    }
}
