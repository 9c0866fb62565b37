package io.swrap.smb.rpc;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A presentation syntax ([C706] 12.6.3.1 p_syntax_id_t): an interface or transfer syntax UUID in its wire
 * form (time_low, time_mid, time_hi little endian, then clock_seq and node as they are) and its version
 * (major in the low 16 bits, minor in the high 16 bits).
 */
public record SyntaxId(byte[] uuid, int version) {
    public static final int SIZE = 20;

    /** NDR 2.0, the one transfer syntax this server speaks. */
    public static final SyntaxId NDR = of("8a885d04-1ceb-11c9-9fe8-08002b104860", 2);
    /** NDR64 ([MS-RPCE] 2.2.5): refused with a provider rejection, as its contexts may be. */
    public static final SyntaxId NDR64 = of("71710533-beba-4937-8319-b5dbef9ccc36", 1);
    public static final SyntaxId NULL = new SyntaxId(new byte[16], 0);

    public SyntaxId {
        uuid = uuid.clone();
    }

    @Override
    public byte[] uuid() {
        return uuid.clone();
    }

    /** @param text the usual 8-4-4-4-12 form */
    public static SyntaxId of(String text, int version) {
        byte[] b = HexFormat.of().parseHex(text.replace("-", ""));
        byte[] w = b.clone();
        // the first three fields go little endian on the wire
        w[0] = b[3]; w[1] = b[2]; w[2] = b[1]; w[3] = b[0];
        w[4] = b[5]; w[5] = b[4];
        w[6] = b[7]; w[7] = b[6];
        return new SyntaxId(w, version);
    }

    /**
     * [MS-RPCE] 3.3.1.5.3 bind time feature negotiation: a transfer syntax 6cb71c2c-9812-4540-XXXX-000000000000
     * whose bytes 8..9 are the offered feature bits; -1 when this is not such a syntax.
     */
    public int bindTimeFeatures() {
        byte[] prefix = {0x2c, 0x1c, (byte) 0xb7, 0x6c, 0x12, (byte) 0x98, 0x40, 0x45};
        if (!Arrays.equals(uuid, 0, 8, prefix, 0, 8) || version != 1) {
            return -1;
        }
        for (int i = 10; i < 16; i++) {
            if (uuid[i] != 0) {
                return -1;
            }
        }
        return (uuid[8] & 0xFF) | (uuid[9] & 0xFF) << 8;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntaxId s && s.version == version && Arrays.equals(s.uuid, uuid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uuid) * 31 + version;
    }

    @Override
    public String toString() {
        String h = HexFormat.of().formatHex(uuid);
        return h.substring(6, 8) + h.substring(4, 6) + h.substring(2, 4) + h.substring(0, 2) + "-" + h.substring(10, 12)
                + h.substring(8, 10) + "-" + h.substring(14, 16) + h.substring(12, 14) + "-" + h.substring(16, 20) + "-"
                + h.substring(20) + " v" + (version & 0xFFFF) + "." + (version >>> 16);
    }
}
