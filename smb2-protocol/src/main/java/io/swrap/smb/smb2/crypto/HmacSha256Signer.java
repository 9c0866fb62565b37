package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** [MS-SMB2] 3.1.4.1 for 2.0.2 and 2.1: "HMAC-SHA256 over the entire message", first 16 of 32 bytes. */
final class HmacSha256Signer extends Smb2Signer {
    private final HMac mac = new HMac(new SHA256Digest());

    HmacSha256Signer(byte[] key) {
        mac.init(new KeyParameter(key));
    }

    @Override
    public byte[] sign(ByteBuf message) {
        feedZeroSigned(message, mac::update);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return Arrays.copyOf(out, 16);
    }
}
