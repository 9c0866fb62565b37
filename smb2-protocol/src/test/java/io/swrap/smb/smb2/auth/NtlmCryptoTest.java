package io.swrap.smb.smb2.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known answers from [MS-NLMP] 4.2.2.1.2 (NTOWFv1) and 4.2.4 (NTLMv2 Authentication): User "User",
 * UserDom "Domain", Passwd "Password", ServerChallenge 0123456789abcdef, ClientChallenge aa..aa, Time 0,
 * AV pairs NetBIOS domain "Domain" and server "Server".
 */
class NtlmCryptoTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static final byte[] SERVER_CHALLENGE = hex("0123456789abcdef");
    /** 4.2.4.1.3 "temp": the NTLMv2_CLIENT_CHALLENGE the NTProofStr is computed over. */
    private static final byte[] TEMP = hex("0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000"
            + "02000c00 44006f006d00610069006e00 01000c00 53006500720076006500720000000000 00000000");

    @Test
    void ntowfv1() {
        assertArrayEquals(hex("a4f49c406510bdcab6824ee7c30fd852"), NtlmCrypto.ntHash("Password"));
    }

    @Test
    void ntlmv2ProofAndSessionBaseKey() {
        byte[] key = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash("Password"), "User", "Domain");
        assertArrayEquals(hex("0c868a403bfd7a93a3001ef22ef02e3f"), key);
        byte[] proof = NtlmCrypto.hmacMd5(key, SERVER_CHALLENGE, TEMP);
        assertArrayEquals(hex("68cd0ab851e51c96aabc927bebef6a1c"), proof);
        assertArrayEquals(hex("8de40ccadbc14a82f15cb0ad0de95ca3"), NtlmCrypto.hmacMd5(key, proof));
    }
}
