package io.swrap.smb.smb2.crypto;

import static io.swrap.smb.smb2.crypto.MsBlogVectors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Known answers for [MS-SMB2] 3.1.4.2 key derivation and 3.3.5.4 preauth integrity, from {@link MsBlogVectors}. */
class Smb2KdfTest {
    @Test
    void derivesTheBlogsGcmSessionKeys() {
        assertArrayEquals(GCM_SIGNING_KEY, Smb2Kdf.derive(GCM_SESSION_KEY, Smb2Kdf.LABEL_311_SIGN, GCM_PREAUTH, 128));
        assertArrayEquals(GCM_C2S_KEY, Smb2Kdf.derive(GCM_SESSION_KEY, Smb2Kdf.LABEL_311_C2S, GCM_PREAUTH, 128));
        assertArrayEquals(GCM_S2C_KEY, Smb2Kdf.derive(GCM_SESSION_KEY, Smb2Kdf.LABEL_311_S2C, GCM_PREAUTH, 128));
        assertArrayEquals(GCM_APP_KEY, Smb2Kdf.derive(GCM_SESSION_KEY, Smb2Kdf.LABEL_311_APP, GCM_PREAUTH, 128));
    }

    @Test
    void derivesTheBlogsCcmSessionKeys() {
        assertArrayEquals(CCM_SIGNING_KEY, Smb2Kdf.derive(CCM_SESSION_KEY, Smb2Kdf.LABEL_311_SIGN, CCM_PREAUTH, 128));
        assertArrayEquals(CCM_C2S_KEY, Smb2Kdf.derive(CCM_SESSION_KEY, Smb2Kdf.LABEL_311_C2S, CCM_PREAUTH, 128));
        assertArrayEquals(CCM_S2C_KEY, Smb2Kdf.derive(CCM_SESSION_KEY, Smb2Kdf.LABEL_311_S2C, CCM_PREAUTH, 128));
        assertArrayEquals(CCM_APP_KEY, Smb2Kdf.derive(CCM_SESSION_KEY, Smb2Kdf.LABEL_311_APP, CCM_PREAUTH, 128));
    }

    @Test
    void preauthHashOfTheBlogsNegotiateRequest() {
        byte[] h = PreauthIntegrity.update(new byte[PreauthIntegrity.HASH_SIZE],
                Unpooled.wrappedBuffer(CCM_NEGOTIATE_REQUEST));
        assertArrayEquals(CCM_HASH_AFTER_NEGOTIATE, h);
    }
}
