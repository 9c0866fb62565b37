package io.swrap.smb.smb2.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AUTHENTICATE_MESSAGE checks of {@link NtlmServer}: a malformed NTLMv2 client challenge is told apart
 * from wrong credentials, since SESSION_SETUP answers the first INVALID_PARAMETER and the second LOGON_FAILURE
 * (as Samba: smbtorture's smb2.session.ntlmssp_bug14932).
 */
class NtlmServerTest {
    @TempDir
    Path dir;

    /**
     * The NTLMv2 response of smbtorture's smb2.session.ntlmssp_bug14932 (a 'net diag' client): its first AV
     * pair (id 0xa211) claims 0x8108 bytes, far past the 95-byte response.
     */
    private static final byte[] NET_DIAG_RESPONSE = java.util.HexFormat.of().parseHex(
            "abababababababababababababababab" + "0101000000000000" + "3f3f3f3f3f3f3f3f" + "b8823af1b3dd0815"
                    + "0000000011a20881" + "503822782b9447fe" + "54947bff17275ab4" + "f418badc2c38fd5b"
                    + "fb0ec1851ecc92bb" + "9bb1c4d55314ff8c" + "7649f5459019a2");

    /** A well-formed NTLMv2 response whose NTProofStr is wrong: AV pairs MsvAvNbDomainName "WG", MsvAvEOL. */
    private static final byte[] WRONG_PROOF_RESPONSE = java.util.HexFormat.of().parseHex(
            "00112233445566778899aabbccddeeff" + "0101000000000000" + "0000000000000000" + "0102030405060708"
                    + "00000000" + "020004005700470000000000");

    private NtlmServer server() throws Exception {
        SmbPasswdFile users = new SmbPasswdFile(dir.resolve("smbpasswd"));
        users.addUser("user", 1000, "pass", 0x5F000000L);
        NtlmServer s = new NtlmServer(users, "SRV", "WG");
        s.challenge(null, 0);
        return s;
    }

    /** [MS-NLMP] 2.2.1.3 AUTHENTICATE_MESSAGE from "user" with {@code nt} as NtChallengeResponse, no key. */
    private static byte[] authenticate(byte[] nt) {
        byte[] user = "user".getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer m = ByteBuffer.allocate(64 + 24 + nt.length + user.length).order(ByteOrder.LITTLE_ENDIAN);
        m.put(NtlmServer.SIGNATURE).putInt(3);
        int at = 64;
        m.putShort((short) 24).putShort((short) 24).putInt(at); // LmChallengeResponse: 24 zero bytes
        at += 24;
        m.putShort((short) nt.length).putShort((short) nt.length).putInt(at);
        at += nt.length;
        m.putShort((short) 0).putShort((short) 0).putInt(at); // DomainName
        m.putShort((short) user.length).putShort((short) user.length).putInt(at);
        m.putShort((short) 0).putShort((short) 0).putInt(at + user.length); // Workstation
        m.putShort((short) 0).putShort((short) 0).putInt(at + user.length); // EncryptedRandomSessionKey
        m.putInt(NtlmServer.NEGOTIATE_UNICODE | NtlmServer.EXTENDED_SESSIONSECURITY);
        m.position(64 + 24);
        m.put(nt).put(user);
        return m.array();
    }

    @Test
    void anAvPairRunningPastTheResponseIsMalformed() throws Exception {
        AuthException e = assertThrows(AuthException.class, () -> server().authenticate(authenticate(NET_DIAG_RESPONSE)));
        assertTrue(e.malformed(), e.getMessage());
        assertTrue(e.getMessage().contains("past its end"), e.getMessage());
    }

    @Test
    void aWellFormedResponseWithAWrongProofIsALogonFailure() throws Exception {
        AuthException e = assertThrows(AuthException.class,
                () -> server().authenticate(authenticate(WRONG_PROOF_RESPONSE)));
        assertFalse(e.malformed(), e.getMessage());
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    }

    @Test
    void anAnonymousLogonIsRefusedButAsAReauthentication() throws Exception {
        AuthException e = assertThrows(AuthException.class, () -> server().authenticate(anonymous()));
        assertFalse(e.malformed(), e.getMessage());
        assertTrue(e.getMessage().contains("anonymous logon refused"), e.getMessage());
        NtlmServer reauth = server();
        reauth.allowAnonymous();
        assertEquals(0, reauth.authenticate(anonymous()).length, "anonymous: no session key");
        assertEquals("", reauth.userName());
    }

    /** An anonymous AUTHENTICATE_MESSAGE ([MS-NLMP] 3.2.5.1.2): no user, no NT response, LM response Z(1). */
    private static byte[] anonymous() {
        ByteBuffer m = ByteBuffer.allocate(64 + 1).order(ByteOrder.LITTLE_ENDIAN);
        m.put(NtlmServer.SIGNATURE).putInt(3);
        m.putShort((short) 1).putShort((short) 1).putInt(64);
        for (int i = 0; i < 5; i++) {
            m.putShort((short) 0).putShort((short) 0).putInt(65);
        }
        m.putInt(NtlmServer.NEGOTIATE_UNICODE | NtlmServer.EXTENDED_SESSIONSECURITY);
        return m.array();
    }

    @Test
    void aResponseShorterThanTheClientChallengeIsMalformed() throws Exception {
        byte[] shortNt = Arrays.copyOf(WRONG_PROOF_RESPONSE, 30);
        AuthException e = assertThrows(AuthException.class, () -> server().authenticate(authenticate(shortNt)));
        assertTrue(e.malformed(), e.getMessage());
    }
}
