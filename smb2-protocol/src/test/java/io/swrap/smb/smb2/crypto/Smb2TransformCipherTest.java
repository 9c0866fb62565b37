package io.swrap.smb.smb2.crypto;

import static io.swrap.smb.smb2.crypto.MsBlogVectors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;

/**
 * SMB2 TRANSFORM_HEADER encryption ([MS-SMB2] 3.1.4.3) against Appendix A of Microsoft's
 * "SMB 3.1.1 Encryption in Windows 10" blog. The blog shows the client's side, so the cipher is
 * built with the client's keys: encrypting a request with the C2S key, decrypting a response with S2C.
 */
class Smb2TransformCipherTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void aes128GcmMatchesTheBlog() throws Exception {
        check(Smb2TransformCipher.AES_128_GCM, GCM_C2S_KEY, GCM_S2C_KEY, 0x100000000025L, GCM_WRITE_NONCE,
                GCM_WRITE_PLAIN, GCM_WRITE_TRANSFORMED, GCM_RESPONSE_TRANSFORMED, GCM_RESPONSE_PLAIN);
    }

    @Test
    void aes128CcmMatchesTheBlog() throws Exception {
        check(Smb2TransformCipher.AES_128_CCM, CCM_C2S_KEY, CCM_S2C_KEY, 0x100000000021L, CCM_WRITE_NONCE,
                CCM_WRITE_PLAIN, CCM_WRITE_TRANSFORMED, CCM_RESPONSE_TRANSFORMED, CCM_RESPONSE_PLAIN);
    }

    private static void check(int cipherId, byte[] encKey, byte[] decKey, long sessionId, byte[] nonce,
            byte[] plain, byte[] transformed, byte[] respTransformed, byte[] respPlain) throws Exception {
        Smb2TransformCipher c = new Smb2TransformCipher(cipherId, encKey, decKey);
        ByteBuf out = c.encrypt(ALLOC, Unpooled.wrappedBuffer(plain), sessionId, nonce);
        assertArrayEquals(transformed, ByteBufUtil.getBytes(out));
        assertEquals(sessionId, Smb2TransformCipher.sessionIdOf(out));
        ByteBuf dec = c.decrypt(ALLOC, Unpooled.wrappedBuffer(respTransformed));
        assertArrayEquals(respPlain, ByteBufUtil.getBytes(dec));
    }

    @Test
    void aes256RoundTripsAndRejectsTampering() throws Exception {
        for (int id : new int[] {Smb2TransformCipher.AES_256_GCM, Smb2TransformCipher.AES_256_CCM}) {
            byte[] k1 = new byte[32];
            byte[] k2 = new byte[32];
            k2[0] = 1;
            Smb2TransformCipher server = new Smb2TransformCipher(id, k1, k2);
            Smb2TransformCipher client = new Smb2TransformCipher(id, k2, k1);
            ByteBuf wire = server.encrypt(ALLOC, Unpooled.wrappedBuffer(GCM_RESPONSE_PLAIN), 7);
            assertArrayEquals(GCM_RESPONSE_PLAIN, ByteBufUtil.getBytes(client.decrypt(ALLOC, wire.copy())));
            wire.setByte(60, wire.getByte(60) ^ 1);
            assertThrows(InvalidCipherTextException.class, () -> client.decrypt(ALLOC, wire));
        }
    }
}
