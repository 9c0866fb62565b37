package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Header;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.GMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * [MS-SMB2] 3.1.4.1, 3.1.1 with SigningAlgorithmId AES-GMAC: the 12-byte nonce is "MessageId" (8 bytes),
 * then 4 bytes whose least significant bit is 1 for the server as sender and whose penultimate bit is 1
 * for an SMB2 CANCEL request. Role and command are read from the message's own header.
 */
final class AesGmacSigner extends Smb2Signer {
    private final KeyParameter key;

    AesGmacSigner(byte[] key) {
        this.key = new KeyParameter(key);
    }

    @Override
    public byte[] sign(ByteBuf message) {
        int i = message.readerIndex();
        int flags = message.getIntLE(i + 16);
        int command = message.getUnsignedShortLE(i + 12);
        boolean fromServer = (flags & Smb2Header.FLAGS_SERVER_TO_REDIR) != 0;
        byte[] nonce = new byte[12];
        message.getBytes(i + 24, nonce, 0, 8);
        nonce[8] = (byte) ((fromServer ? 1 : 0) | (!fromServer && command == Smb2Command.CANCEL ? 2 : 0));
        GMac mac = new GMac(GCMBlockCipher.newInstance(AESEngine.newInstance()), 128);
        mac.init(new ParametersWithIV(key, nonce));
        feedZeroSigned(message, mac::update);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }
}
