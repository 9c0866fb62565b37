package io.swrap.smb.smb2.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

/**
 * The server side of one NTLMSSP exchange ([MS-NLMP] 3.2.5): NEGOTIATE_MESSAGE in, CHALLENGE_MESSAGE
 * out, AUTHENTICATE_MESSAGE in, verified as NTLMv2 (3.3.2) against the smbpasswd NT hash, yielding the
 * ExportedSessionKey. NTLMv1 is refused, and so are anonymous logons (guest is off) but as a re-authentication.
 */
final class NtlmServer {
    static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    static final int NEGOTIATE_UNICODE = 0x00000001;
    static final int REQUEST_TARGET = 0x00000004;
    static final int NEGOTIATE_SIGN = 0x00000010;
    static final int NEGOTIATE_SEAL = 0x00000020;
    static final int NEGOTIATE_NTLM = 0x00000200;
    static final int NEGOTIATE_ALWAYS_SIGN = 0x00008000;
    static final int TARGET_TYPE_SERVER = 0x00020000;
    static final int EXTENDED_SESSIONSECURITY = 0x00080000;
    static final int NEGOTIATE_TARGET_INFO = 0x00800000;
    static final int NEGOTIATE_VERSION = 0x02000000;
    static final int NEGOTIATE_128 = 0x20000000;
    static final int NEGOTIATE_KEY_EXCH = 0x40000000;
    static final int NEGOTIATE_56 = 0x80000000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SmbPasswdFile users;
    private final String computerName;
    private final String domainName;
    private final byte[] serverChallenge = new byte[8];
    private byte[] negotiateMessage = new byte[0];
    private byte[] challengeMessage;
    private int flags;
    private byte[] exportedSessionKey;
    private String userName;
    /** Whether an anonymous AUTHENTICATE_MESSAGE (no user, no NT response) is accepted. */
    private boolean anonymousAllowed;

    NtlmServer(SmbPasswdFile users, String computerName, String domainName) {
        this.users = users;
        this.computerName = computerName;
        this.domainName = domainName;
        RANDOM.nextBytes(serverChallenge);
    }

    /** Builds the CHALLENGE_MESSAGE (2.2.1.2) answering {@code negotiate} (may be null: no NEGOTIATE sent). */
    byte[] challenge(byte[] negotiate, long nowFiletime) throws AuthException {
        int clientFlags = NEGOTIATE_UNICODE | NEGOTIATE_SIGN | NEGOTIATE_128 | NEGOTIATE_KEY_EXCH;
        if (negotiate != null) {
            checkMessage(negotiate, 1, 16);
            negotiateMessage = negotiate.clone();
            clientFlags = le(negotiate).getInt(12);
        }
        flags = NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN | TARGET_TYPE_SERVER
                | EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO | NEGOTIATE_VERSION
                | (clientFlags & (NEGOTIATE_SIGN | NEGOTIATE_SEAL | NEGOTIATE_128 | NEGOTIATE_KEY_EXCH | NEGOTIATE_56));
        byte[] target = computerName.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer info = le(ByteBuffer.allocate(256 + 8 * (computerName.length() + domainName.length())));
        avPair(info, 2, domainName);
        avPair(info, 1, computerName);
        avPair(info, 4, domainName.toLowerCase(Locale.ROOT));
        avPair(info, 3, computerName.toLowerCase(Locale.ROOT));
        info.putShort((short) 7).putShort((short) 8).putLong(nowFiletime); // MsvAvTimestamp
        info.putShort((short) 0).putShort((short) 0); // MsvAvEOL
        int infoLen = info.position();
        ByteBuffer m = le(ByteBuffer.allocate(56 + target.length + infoLen));
        m.put(SIGNATURE).putInt(2);
        m.putShort((short) target.length).putShort((short) target.length).putInt(56);
        m.putInt(flags).put(serverChallenge).putLong(0);
        m.putShort((short) infoLen).putShort((short) infoLen).putInt(56 + target.length);
        // Version (2.2.2.10): 6.1 build 7601, NTLMSSP_REVISION_W2K3 (15).
        m.put((byte) 6).put((byte) 1).putShort((short) 7601).put(new byte[3]).put((byte) 15);
        m.put(target).put(info.array(), 0, infoLen);
        challengeMessage = m.array();
        return challengeMessage.clone();
    }

    private static void avPair(ByteBuffer b, int id, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_16LE);
        b.putShort((short) id).putShort((short) v.length).put(v);
    }

    /**
     * Verifies the AUTHENTICATE_MESSAGE (2.2.1.3) and returns the ExportedSessionKey.
     *
     * @throws AuthException LOGON_FAILURE-worthy: unknown user, wrong password, NTLMv1 or anonymous; or a
     *         malformed NTLMv2 response
     */
    byte[] authenticate(byte[] msg) throws AuthException, IOException {
        if (challengeMessage == null) {
            throw new AuthException("AUTHENTICATE_MESSAGE before CHALLENGE_MESSAGE");
        }
        checkMessage(msg, 3, 64);
        ByteBuffer b = le(msg);
        byte[] nt = field(msg, 20);
        String domain = string(msg, 28);
        userName = string(msg, 36);
        byte[] encryptedKey = field(msg, 52);
        int authFlags = b.getInt(60);
        if (userName.isEmpty() && nt.length == 0) {
            byte[] lm = field(msg, 12);
            if (!anonymousAllowed || lm.length > 1 || (lm.length == 1 && lm[0] != 0)) {
                throw new AuthException("anonymous logon refused (guest access is off; only a re-authentication"
                        + " may drop to anonymous)");
            }
            // [MS-NLMP] 3.2.5.1.2 anonymous: no session key, nothing to sign or seal with
            exportedSessionKey = null;
            return new byte[0];
        }
        if (nt.length <= 24) {
            throw new AuthException("user " + userName + ": NTLMv1 response of " + nt.length
                    + " bytes refused (expected: NTLMv2, more than 24 bytes)");
        }
        checkClientChallenge(nt);
        byte[] ntHash = users.ntHash(userName);
        if (ntHash == null) {
            throw new AuthException("user " + userName + " is not in " + users.path());
        }
        byte[] proof = Arrays.copyOf(nt, 16);
        byte[] blob = Arrays.copyOfRange(nt, 16, nt.length);
        byte[] sessionBaseKey = null;
        // Clients differ in the domain they hash: try it as sent, upper-cased and empty, like Samba.
        for (String dom : new String[] {domain, domain.toUpperCase(Locale.ROOT), ""}) {
            byte[] key = NtlmCrypto.ntowfv2(ntHash, userName, dom);
            if (MessageDigest.isEqual(proof, NtlmCrypto.hmacMd5(key, serverChallenge, blob))) {
                sessionBaseKey = NtlmCrypto.hmacMd5(key, proof);
                break;
            }
        }
        if (sessionBaseKey == null) {
            throw new AuthException("user " + userName + ": wrong password (NTProofStr mismatch)");
        }
        // 3.4.5.1: with NTLMv2 the KeyExchangeKey is the SessionBaseKey.
        exportedSessionKey = (authFlags & NEGOTIATE_KEY_EXCH) != 0 && encryptedKey.length == 16
                ? NtlmCrypto.rc4(NtlmCrypto.rc4(sessionBaseKey), encryptedKey) : sessionBaseKey;
        flags &= authFlags | ~(NEGOTIATE_KEY_EXCH | NEGOTIATE_SIGN | NEGOTIATE_SEAL);
        verifyMic(msg, blob);
        return exportedSessionKey.clone();
    }

    /**
     * The NTLMv2_CLIENT_CHALLENGE (2.2.2.7) after the 16-byte NTProofStr: 28 fixed bytes, then AV pairs up to
     * MsvAvEOL, each inside the message. One that is not is malformed (STATUS_INVALID_PARAMETER, as Samba
     * answers), whatever the password.
     */
    private void checkClientChallenge(byte[] nt) throws AuthException {
        ByteBuffer b = le(nt);
        int p = 16 + 28;
        if (nt.length < p) {
            throw new AuthException("user " + userName + ": NTLMv2 response of " + nt.length
                    + " bytes (expected: at least " + p + ")", true);
        }
        while (p + 4 <= nt.length) {
            int id = b.getShort(p) & 0xFFFF;
            int len = b.getShort(p + 2) & 0xFFFF;
            if (p + 4 + len > nt.length) {
                throw new AuthException("user " + userName + ": AV pair " + id + " at " + p + " of the NTLMv2 response"
                        + " has " + len + " bytes, past its end (" + nt.length + " bytes)", true);
            }
            if (id == 0) {
                return;
            }
            p += 4 + len;
        }
    }

    /** 3.2.5.1.2: if the client's MsvAvFlags has bit 0x2, the MIC over all three messages must match. */
    private void verifyMic(byte[] msg, byte[] blob) throws AuthException {
        if (!micPresent(blob) || msg.length < 88) {
            return;
        }
        byte[] mic = Arrays.copyOfRange(msg, 72, 88);
        byte[] zeroed = msg.clone();
        Arrays.fill(zeroed, 72, 88, (byte) 0);
        byte[] expected = NtlmCrypto.hmacMd5(exportedSessionKey, negotiateMessage, challengeMessage, zeroed);
        if (!MessageDigest.isEqual(mic, expected)) {
            throw new AuthException("user " + userName + ": AUTHENTICATE_MESSAGE MIC mismatch");
        }
    }

    /** Scans the NTLMv2_CLIENT_CHALLENGE's AV pairs (after 28 fixed bytes) for MsvAvFlags & 0x2. */
    private static boolean micPresent(byte[] blob) {
        ByteBuffer b = le(blob);
        int p = 28;
        while (p + 4 <= blob.length) {
            int id = b.getShort(p) & 0xFFFF;
            int len = b.getShort(p + 2) & 0xFFFF;
            if (id == 0 || p + 4 + len > blob.length) {
                return false;
            }
            if (id == 6 && len == 4) {
                return (b.getInt(p + 4) & 0x2) != 0;
            }
            p += 4 + len;
        }
        return false;
    }

    /** Accepts an anonymous AUTHENTICATE_MESSAGE: for the re-authentication of an established session only. */
    void allowAnonymous() {
        anonymousAllowed = true;
    }

    String userName() {
        return userName;
    }

    /** [MS-NLMP] 3.4.4.2 MAC of {@code message} with sequence 0, by the client (true) or the server. */
    byte[] mac(byte[] message, boolean client) {
        return NtlmCrypto.mac(exportedSessionKey, (flags & NEGOTIATE_KEY_EXCH) != 0, message, client);
    }

    private static void checkMessage(byte[] msg, int type, int minLength) throws AuthException {
        if (msg.length < minLength || !Arrays.equals(msg, 0, 8, SIGNATURE, 0, 8) || le(msg).getInt(8) != type) {
            throw new AuthException("not an NTLMSSP message of type " + type + " (" + msg.length + " bytes)");
        }
    }

    /** A Len(2)/MaxLen(2)/Offset(4) field's payload. */
    private static byte[] field(byte[] msg, int at) throws AuthException {
        ByteBuffer b = le(msg);
        int len = b.getShort(at) & 0xFFFF;
        int off = b.getInt(at + 4);
        if (len == 0) {
            return new byte[0];
        }
        if (off < 0 || (long) off + len > msg.length) {
            throw new AuthException("NTLMSSP field at " + at + " points outside the message: offset " + off
                    + ", length " + len + ", message " + msg.length + " bytes");
        }
        return Arrays.copyOfRange(msg, off, off + len);
    }

    private String string(byte[] msg, int at) throws AuthException {
        byte[] f = field(msg, at);
        return new String(f, (le(msg).getInt(60) & NEGOTIATE_UNICODE) != 0
                ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
