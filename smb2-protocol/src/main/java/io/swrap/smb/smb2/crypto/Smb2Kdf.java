package io.swrap.smb.smb2.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.KDFCounterBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KDFCounterParameters;

/**
 * [MS-SMB2] 3.1.4.2 Generating Cryptographic Keys: "the KDF in Counter Mode, as specified in
 * [SP800-108] section 5.1, with 'r' value of 32 and 'L' value of 128 [or 256], and HMAC-SHA256 as the PRF".
 * The fixed input is Label || 0x00 || Context || [L]2, after the 32-bit counter.
 */
public final class Smb2Kdf {
    // The spec's labels and 3.0 contexts include their terminating NUL ("SMB2AESCMAC", size 12).
    public static final byte[] LABEL_30_SIGN = z("SMB2AESCMAC");
    public static final byte[] CONTEXT_30_SIGN = z("SmbSign");
    public static final byte[] LABEL_30_CIPHER = z("SMB2AESCCM");
    public static final byte[] CONTEXT_30_SERVER_IN = z("ServerIn ");
    public static final byte[] CONTEXT_30_SERVER_OUT = z("ServerOut");
    public static final byte[] LABEL_30_APP = z("SMB2APP");
    public static final byte[] CONTEXT_30_APP = z("SmbRpc");
    public static final byte[] LABEL_311_SIGN = z("SMBSigningKey");
    public static final byte[] LABEL_311_C2S = z("SMBC2SCipherKey");
    public static final byte[] LABEL_311_S2C = z("SMBS2CCipherKey");
    public static final byte[] LABEL_311_APP = z("SMBAppKey");

    private Smb2Kdf() {
    }

    private static byte[] z(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** Derives {@code bits}/8 bytes from key {@code ki}. */
    public static byte[] derive(byte[] ki, byte[] label, byte[] context, int bits) {
        byte[] fixed = new byte[label.length + 1 + context.length + 4];
        System.arraycopy(label, 0, fixed, 0, label.length);
        System.arraycopy(context, 0, fixed, label.length + 1, context.length);
        int p = fixed.length - 4;
        fixed[p] = (byte) (bits >>> 24);
        fixed[p + 1] = (byte) (bits >>> 16);
        fixed[p + 2] = (byte) (bits >>> 8);
        fixed[p + 3] = (byte) bits;
        KDFCounterBytesGenerator gen = new KDFCounterBytesGenerator(new HMac(new SHA256Digest()));
        gen.init(new KDFCounterParameters(ki, fixed, 32));
        byte[] out = new byte[bits / 8];
        gen.generateBytes(out, 0, out.length);
        return out;
    }
}
