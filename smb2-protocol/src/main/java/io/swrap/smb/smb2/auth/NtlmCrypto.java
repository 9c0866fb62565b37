package io.swrap.smb.smb2.auth;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** The [MS-NLMP] 6 primitives (MD4, MD5, HMAC_MD5, RC4) on Bouncy Castle, and NTOWFv1/NTOWFv2 (3.3.1, 3.3.2). */
public final class NtlmCrypto {
    private NtlmCrypto() {
    }

    /** NTOWFv1: MD4(UNICODE(Passwd)), the NT hash stored in smbpasswd. */
    public static byte[] ntHash(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_16LE);
        MD4Digest md4 = new MD4Digest();
        md4.update(pw, 0, pw.length);
        byte[] out = new byte[16];
        md4.doFinal(out, 0);
        return out;
    }

    /** NTOWFv2: HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) + UserDom)). */
    public static byte[] ntowfv2(byte[] ntHash, String user, String domain) {
        return hmacMd5(ntHash, (user.toUpperCase(java.util.Locale.ROOT) + domain).getBytes(StandardCharsets.UTF_16LE));
    }

    public static byte[] hmacMd5(byte[] key, byte[]... parts) {
        HMac mac = new HMac(new MD5Digest());
        mac.init(new KeyParameter(key));
        for (byte[] p : parts) {
            mac.update(p, 0, p.length);
        }
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }

    public static byte[] md5(byte[]... parts) {
        MD5Digest d = new MD5Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[16];
        d.doFinal(out, 0);
        return out;
    }

    /** An RC4 key stream ("sealing handle"), kept across calls as [MS-NLMP] 3.4.4.2 requires. */
    public static RC4Engine rc4(byte[] key) {
        RC4Engine rc4 = new RC4Engine();
        rc4.init(true, new KeyParameter(key));
        return rc4;
    }

    public static byte[] rc4(RC4Engine rc4, byte[] data) {
        byte[] out = new byte[data.length];
        rc4.processBytes(data, 0, data.length, out, 0);
        return out;
    }

    /**
     * [MS-NLMP] 3.4.4.2 MAC of {@code message} with sequence number 0, as the client (true) or the
     * server sends it; with NTLMSSP_NEGOTIATE_KEY_EXCH the checksum is sealed with RC4. SPNEGO uses it
     * for the mechListMIC ([MS-SPNG] 3.1.5.1), on both ends.
     */
    public static byte[] mac(byte[] exportedSessionKey, boolean keyExchange, byte[] message, boolean client) {
        String dir = client ? "client-to-server" : "server-to-client";
        byte[] signKey = md5(exportedSessionKey,
                ("session key to " + dir + " signing key magic constant\0").getBytes(StandardCharsets.US_ASCII));
        byte[] sealKey = md5(exportedSessionKey,
                ("session key to " + dir + " sealing key magic constant\0").getBytes(StandardCharsets.US_ASCII));
        byte[] checksum = java.util.Arrays.copyOf(hmacMd5(signKey, new byte[4], message), 8);
        if (keyExchange) {
            checksum = rc4(rc4(sealKey), checksum);
        }
        return java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(1).put(checksum).putInt(0).array();
    }
}
