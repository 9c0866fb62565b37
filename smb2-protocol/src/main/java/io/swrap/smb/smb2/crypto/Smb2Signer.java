package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.Smb2Header;
import java.security.MessageDigest;

/**
 * Computes the 16-byte Signature of one SMB2 message ([MS-SMB2] 3.1.4.1), as if its Signature
 * field were zero, without modifying the buffer. Instances hold a key; they are not thread-safe
 * and live on one connection's event loop.
 */
public abstract class Smb2Signer {
    public static final int HMAC_SHA256 = 0x0000;
    public static final int AES_CMAC = 0x0001;
    public static final int AES_GMAC = 0x0002;

    /** The signer for [MS-SMB2] 2.2.3.1.7 SigningAlgorithm {@code algorithm} with {@code key}. */
    public static Smb2Signer create(int algorithm, byte[] key) {
        return switch (algorithm) {
            case HMAC_SHA256 -> new HmacSha256Signer(key);
            case AES_CMAC -> new AesCmacSigner(key);
            case AES_GMAC -> new AesGmacSigner(key);
            default -> throw new IllegalArgumentException("signing algorithm: " + algorithm + " (expected: 0, 1 or 2)");
        };
    }

    /** Signature over {@code message} (readable bytes: one whole message including compound padding). */
    public abstract byte[] sign(ByteBuf message);

    /** True when the Signature field of {@code message} matches, compared in constant time. */
    public final boolean verify(ByteBuf message) {
        byte[] received = new byte[Smb2Header.SIGNATURE_SIZE];
        message.getBytes(message.readerIndex() + Smb2Header.SIGNATURE_OFFSET, received);
        return MessageDigest.isEqual(received, sign(message));
    }

    /** Feeds the message to {@code sink} with the Signature field replaced by zeros. */
    static void feedZeroSigned(ByteBuf message, ByteSink sink) {
        int start = message.readerIndex();
        int len = message.readableBytes();
        feed(message, start, Smb2Header.SIGNATURE_OFFSET, sink);
        sink.update(new byte[Smb2Header.SIGNATURE_SIZE], 0, Smb2Header.SIGNATURE_SIZE);
        int bodyStart = Smb2Header.SIGNATURE_OFFSET + Smb2Header.SIGNATURE_SIZE;
        feed(message, start + bodyStart, len - bodyStart, sink);
    }

    private static void feed(ByteBuf buf, int index, int length, ByteSink sink) {
        if (buf.hasArray()) {
            sink.update(buf.array(), buf.arrayOffset() + index, length);
            return;
        }
        byte[] chunk = new byte[Math.min(length, 64 * 1024)];
        for (int done = 0; done < length; ) {
            int n = Math.min(chunk.length, length - done);
            buf.getBytes(index + done, chunk, 0, n);
            sink.update(chunk, 0, n);
            done += n;
        }
    }

    /** The update method shared by Bouncy Castle's Mac and Digest. */
    interface ByteSink {
        void update(byte[] in, int off, int len);
    }
}
