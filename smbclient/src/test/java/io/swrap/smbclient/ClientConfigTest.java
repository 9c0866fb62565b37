package io.swrap.smbclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * ClientConfig refuses what no server could honour before anything is sent (encryption or channels on SMB 2,
 * settings out of range), with the value and the range in the message, and keeps the password out of toString.
 */
class ClientConfigTest {
    private static final ClientConfig BASE = ClientConfig.of("alice", "s3cret");

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals("WORKGROUP", BASE.domain());
        assertEquals(Smb2Dialect.SMB2_02, BASE.minDialect());
        assertEquals(Smb2Dialect.SMB3_11, BASE.maxDialect());
        assertFalse(BASE.sign());
        assertFalse(BASE.encrypt());
        assertEquals(1 << 20, BASE.maxIo());
        assertEquals(8, BASE.maxInFlight());
        assertEquals(Duration.ofSeconds(30), BASE.timeout());
        assertEquals(1, BASE.channels());
    }

    @Test
    void smb2HasNeitherEncryptionNorMultichannel() {
        ClientConfig smb21 = BASE.withDialect(Smb2Dialect.SMB2_10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> smb21.withEncrypt(true));
        assertTrue(e.getMessage().contains("SMB 2 has no encryption"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> smb21.withChannels(2));
        assertTrue(e.getMessage().contains("SMB 2 has no multichannel"), e.getMessage());
        assertEquals(4, BASE.withDialect(Smb2Dialect.SMB3_00).withEncrypt(true).withChannels(4).channels());
    }

    @Test
    void outOfRangeValuesNameTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BASE.withChannels(ClientConfig.MAX_CHANNELS + 1));
        assertTrue(e.getMessage().contains("channels: 33 (expected: 1..32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BASE.withMaxIo(0));
        assertTrue(e.getMessage().contains("maxIo: 0 (expected: 1..8388608)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BASE.withMaxInFlight(257));
        assertTrue(e.getMessage().contains("maxInFlight: 257 (expected: 1..256)"), e.getMessage());
    }

    @Test
    void passwordIsNotInToString() {
        assertFalse(BASE.toString().contains("s3cret"), BASE.toString());
        assertTrue(BASE.toString().contains("user=alice"), BASE.toString());
    }
}
