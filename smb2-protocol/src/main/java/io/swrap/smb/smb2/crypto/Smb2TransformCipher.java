package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.security.SecureRandom;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One session's encryption ([MS-SMB2] 3.1.4.3, 3.3.4.1.4) and decryption (3.3.5.2.1.1) of whole
 * SMB2 messages wrapped in an SMB2 TRANSFORM_HEADER (2.2.41):
 * ProtocolId(4) Signature(16) Nonce(16) OriginalMessageSize(4) Reserved(2) Flags(2) SessionId(8).
 * The AEAD's associated data is the header from Nonce to its end (32 bytes); the tag is the Signature.
 */
public final class Smb2TransformCipher {
    public static final int AES_128_CCM = 0x0001;
    public static final int AES_128_GCM = 0x0002;
    public static final int AES_256_CCM = 0x0003;
    public static final int AES_256_GCM = 0x0004;

    public static final int HEADER_SIZE = 52;
    /** 0xFD 'S' 'M' 'B' read as a little-endian int. */
    public static final int PROTOCOL_ID = 0x424D53FD;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int cipherId;
    private final KeyParameter encryptionKey;
    private final KeyParameter decryptionKey;
    private final byte[] noncePrefix = new byte[4];
    private long nonceCounter;

    /**
     * @param cipherId one of the constants (2.2.3.1.2 Ciphers)
     * @param encryptionKey the server's Session.EncryptionKey (server to client)
     * @param decryptionKey the server's Session.DecryptionKey (client to server)
     */
    public Smb2TransformCipher(int cipherId, byte[] encryptionKey, byte[] decryptionKey) {
        if (cipherId < AES_128_CCM || cipherId > AES_256_GCM) {
            throw new IllegalArgumentException("cipher id: " + cipherId + " (expected: 1..4)");
        }
        this.cipherId = cipherId;
        this.encryptionKey = new KeyParameter(encryptionKey);
        this.decryptionKey = new KeyParameter(decryptionKey);
        RANDOM.nextBytes(noncePrefix);
    }

    /** Key length in bits for the KDF's L: 256 for the AES-256 ciphers. */
    public static int keyBits(int cipherId) {
        return cipherId == AES_256_CCM || cipherId == AES_256_GCM ? 256 : 128;
    }

    private boolean isCcm() {
        return cipherId == AES_128_CCM || cipherId == AES_256_CCM;
    }

    private AEADCipher newCipher() {
        return isCcm() ? CCMBlockCipher.newInstance(AESEngine.newInstance())
                : GCMBlockCipher.newInstance(AESEngine.newInstance());
    }

    /** SessionId of a transform message. */
    public static long sessionIdOf(ByteBuf transform) {
        return transform.getLongLE(transform.readerIndex() + 44);
    }

    /**
     * Wraps {@code plain} (one SMB2 message or a compound chain) for {@code sessionId}.
     * The nonce is unique per key: a random 4-byte prefix per session, then a counter
     * ("MUST NOT be reused for all encrypted messages within a session").
     */
    public ByteBuf encrypt(ByteBufAllocator alloc, ByteBuf plain, long sessionId) {
        byte[] nonce = new byte[isCcm() ? 11 : 12];
        long counter = ++nonceCounter;
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (counter >>> (8 * i));
        }
        System.arraycopy(noncePrefix, 0, nonce, 8, nonce.length - 8);
        return encrypt(alloc, plain, sessionId, nonce);
    }

    /** Encrypts with the given nonce (11 bytes for CCM, 12 for GCM); for known-answer tests. */
    ByteBuf encrypt(ByteBufAllocator alloc, ByteBuf plain, long sessionId, byte[] nonce) {
        byte[] header = new byte[HEADER_SIZE];
        System.arraycopy(nonce, 0, header, 20, nonce.length);
        int size = plain.readableBytes();
        putIntLE(header, 0, PROTOCOL_ID);
        putIntLE(header, 36, size);
        header[42] = 1; // Flags: "Encrypted" (3.1.1) / EncryptionAlgorithm: SMB2_ENCRYPTION_AES128_CCM (3.0)
        for (int i = 0; i < 8; i++) {
            header[44 + i] = (byte) (sessionId >>> (8 * i));
        }
        AEADCipher c = newCipher();
        c.init(true, new AEADParameters(encryptionKey, 128, nonce));
        c.processAADBytes(header, 20, 32);
        byte[] in = ByteBufUtil.getBytes(plain);
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail with a valid key", e);
        }
        System.arraycopy(out, size, header, 4, 16);
        ByteBuf result = alloc.buffer(HEADER_SIZE + size);
        result.writeBytes(header);
        result.writeBytes(out, 0, size);
        return result;
    }

    /**
     * Unwraps a transform message; throws if the tag does not match, the size is inconsistent or
     * the algorithm field is not 1.
     */
    public ByteBuf decrypt(ByteBufAllocator alloc, ByteBuf transform) throws InvalidCipherTextException {
        int start = transform.readerIndex();
        int total = transform.readableBytes();
        if (total < HEADER_SIZE) {
            throw new InvalidCipherTextException("transform message of " + total + " bytes (expected: >= 52)");
        }
        int size = transform.getIntLE(start + 36);
        if (size != total - HEADER_SIZE) {
            throw new InvalidCipherTextException("OriginalMessageSize " + size + " but " + (total - HEADER_SIZE)
                    + " bytes follow the transform header");
        }
        if (transform.getShortLE(start + 42) != 1) {
            throw new InvalidCipherTextException("Flags/EncryptionAlgorithm " + transform.getShortLE(start + 42)
                    + " (expected: 1)");
        }
        byte[] header = new byte[HEADER_SIZE];
        transform.getBytes(start, header);
        byte[] nonce = new byte[isCcm() ? 11 : 12];
        System.arraycopy(header, 20, nonce, 0, nonce.length);
        AEADCipher c = newCipher();
        c.init(false, new AEADParameters(decryptionKey, 128, nonce));
        c.processAADBytes(header, 20, 32);
        byte[] in = new byte[size + 16];
        transform.getBytes(start + HEADER_SIZE, in, 0, size);
        System.arraycopy(header, 4, in, size, 16);
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        n += c.doFinal(out, n);
        return alloc.buffer(n).writeBytes(out, 0, n);
    }

    private static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
