package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** [MS-SMB2] 3.1.4.1 for 3.x: AES-128-CMAC ([RFC4493]) over the entire message. */
final class AesCmacSigner extends Smb2Signer {
    private final CMac mac = new CMac(AESEngine.newInstance());

    AesCmacSigner(byte[] key) {
        mac.init(new KeyParameter(key));
    }

    @Override
    public byte[] sign(ByteBuf message) {
        feedZeroSigned(message, mac::update);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }
}
