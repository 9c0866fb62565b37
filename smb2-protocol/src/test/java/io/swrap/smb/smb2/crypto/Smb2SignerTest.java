package io.swrap.smb.smb2.crypto;

import static io.swrap.smb.smb2.crypto.MsBlogVectors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * [MS-SMB2] 3.1.4.1 signing. AES-CMAC is checked against the signed final SESSION_SETUP responses of
 * Microsoft's "SMB 3.1.1 Encryption in Windows 10" blog. Microsoft publishes no HMAC-SHA256 or
 * AES-GMAC SMB2 vector: those two are checked against the JDK's independent HMAC and GCM
 * implementations with the spec's input layout (and end to end by the smbclient interop tests).
 */
class Smb2SignerTest {
    private static final byte[] KEY = hex("000102030405060708090A0B0C0D0E0F");

    @Test
    void aesCmacMatchesTheBlogsSignedSessionSetupResponses() {
        assertTrue(Smb2Signer.create(Smb2Signer.AES_CMAC, GCM_SIGNING_KEY).verify(Unpooled.wrappedBuffer(GCM_SETUP_RESPONSE)));
        assertTrue(Smb2Signer.create(Smb2Signer.AES_CMAC, CCM_SIGNING_KEY).verify(Unpooled.wrappedBuffer(CCM_SETUP_RESPONSE)));
        byte[] tampered = GCM_SETUP_RESPONSE.clone();
        tampered[70] ^= 1;
        assertFalse(Smb2Signer.create(Smb2Signer.AES_CMAC, GCM_SIGNING_KEY).verify(Unpooled.wrappedBuffer(tampered)));
    }

    @Test
    void hmacSha256IsTheTruncatedHmacOfTheZeroSignedMessage() throws Exception {
        byte[] msg = GCM_SETUP_RESPONSE.clone();
        byte[] zeroed = msg.clone();
        Arrays.fill(zeroed, 48, 64, (byte) 0);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] expected = Arrays.copyOf(mac.doFinal(zeroed), 16);
        assertArrayEquals(expected, Smb2Signer.create(Smb2Signer.HMAC_SHA256, KEY).sign(Unpooled.wrappedBuffer(msg)));
    }

    @Test
    void aesGmacUsesMessageIdRoleAndCancelInTheNonce() throws Exception {
        byte[] msg = GCM_SETUP_RESPONSE.clone(); // a response: SMB2_FLAGS_SERVER_TO_REDIR is set
        assertArrayEquals(jdkGmac(msg, 1), Smb2Signer.create(Smb2Signer.AES_GMAC, KEY).sign(Unpooled.wrappedBuffer(msg)));
        msg[16] = 0; // now a client request
        assertArrayEquals(jdkGmac(msg, 0), Smb2Signer.create(Smb2Signer.AES_GMAC, KEY).sign(Unpooled.wrappedBuffer(msg)));
        msg[12] = 0x0C; // SMB2 CANCEL request: penultimate bit
        assertArrayEquals(jdkGmac(msg, 2), Smb2Signer.create(Smb2Signer.AES_GMAC, KEY).sign(Unpooled.wrappedBuffer(msg)));
    }

    /** GMAC = GCM with the zero-signed message as AAD and no plaintext; nonce = MessageId, then the flag bits. */
    private static byte[] jdkGmac(byte[] msg, int bits) throws Exception {
        byte[] zeroed = msg.clone();
        Arrays.fill(zeroed, 48, 64, (byte) 0);
        byte[] nonce = new byte[12];
        System.arraycopy(msg, 24, nonce, 0, 8);
        nonce[8] = (byte) bits;
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(zeroed);
        return c.doFinal();
    }

    @Test
    void signatureIgnoresTheReceivedSignatureField() {
        ByteBuf a = Unpooled.wrappedBuffer(GCM_SETUP_RESPONSE.clone());
        ByteBuf b = Unpooled.wrappedBuffer(GCM_SETUP_RESPONSE.clone());
        b.setZero(48, 16);
        Smb2Signer s = Smb2Signer.create(Smb2Signer.AES_CMAC, GCM_SIGNING_KEY);
        assertArrayEquals(s.sign(a), s.sign(b));
    }
}
