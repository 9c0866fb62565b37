package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * [MS-SMB2] 3.3.5.4 / 3.3.5.5: PreauthIntegrityHashValue = SHA-512(previous value || message),
 * starting from 64 zero bytes, over NEGOTIATE (connection) and SESSION_SETUP (session) messages.
 */
public final class PreauthIntegrity {
    public static final int SHA_512 = 0x0001;
    public static final int HASH_SIZE = 64;

    private PreauthIntegrity() {
    }

    /** The next hash value after {@code message}'s readable bytes. */
    public static byte[] update(byte[] previous, ByteBuf message) {
        SHA512Digest d = new SHA512Digest();
        d.update(previous, 0, previous.length);
        byte[] bytes = new byte[message.readableBytes()];
        message.getBytes(message.readerIndex(), bytes);
        d.update(bytes, 0, bytes.length);
        byte[] out = new byte[HASH_SIZE];
        d.doFinal(out, 0);
        return out;
    }
}
