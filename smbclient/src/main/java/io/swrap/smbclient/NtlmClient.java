package io.swrap.smbclient;

import io.swrap.smb.smb2.auth.NtlmCrypto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The client side of one NTLMSSP exchange ([MS-NLMP] 3.1.5): NEGOTIATE_MESSAGE out, CHALLENGE_MESSAGE in,
 * AUTHENTICATE_MESSAGE out with an NTLMv2 response (3.3.2), key exchange and a MIC, yielding the
 * ExportedSessionKey.
 */
final class NtlmClient {
    private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final int NEGOTIATE_UNICODE = 0x00000001;
    private static final int REQUEST_TARGET = 0x00000004;
    private static final int NEGOTIATE_SIGN = 0x00000010;
    private static final int NEGOTIATE_NTLM = 0x00000200;
    private static final int NEGOTIATE_ALWAYS_SIGN = 0x00008000;
    private static final int EXTENDED_SESSIONSECURITY = 0x00080000;
    private static final int NEGOTIATE_TARGET_INFO = 0x00800000;
    private static final int NEGOTIATE_VERSION = 0x02000000;
    private static final int NEGOTIATE_128 = 0x20000000;
    private static final int NEGOTIATE_KEY_EXCH = 0x40000000;
    /** MsvAvFlags (2.2.2.1) bit: "the client is providing message integrity in the MIC field". */
    private static final int AV_FLAG_MIC = 0x2;
    private static final int MSV_AV_EOL = 0;
    private static final int MSV_AV_FLAGS = 6;
    private static final int MSV_AV_TIMESTAMP = 7;
    /** 2.2.1.3: the fixed part with Version (8) and MIC (16). */
    private static final int AUTHENTICATE_HEADER = 88;
    private static final int MIC_OFFSET = 72;
    /** Version (2.2.2.10): 6.1 build 7601, NTLMSSP_REVISION_W2K3 (15); informational only. */
    private static final byte[] VERSION = {6, 1, (byte) 0xB1, 0x1D, 0, 0, 0, 15};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final String password;
    private final String domain;
    private byte[] negotiateMessage;
    private int flags;
    private byte[] exportedSessionKey;

    NtlmClient(String user, String password, String domain) {
        this.user = user;
        this.password = password;
        this.domain = domain;
    }

    /** NEGOTIATE_MESSAGE (2.2.1.1) without domain or workstation. */
    byte[] negotiate() {
        int f = NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_SIGN | NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN
                | EXTENDED_SESSIONSECURITY | NEGOTIATE_VERSION | NEGOTIATE_128 | NEGOTIATE_KEY_EXCH;
        ByteBuffer m = le(ByteBuffer.allocate(40));
        m.put(SIGNATURE).putInt(1).putInt(f);
        m.putShort((short) 0).putShort((short) 0).putInt(40); // DomainNameFields
        m.putShort((short) 0).putShort((short) 0).putInt(40); // WorkstationFields
        m.put(VERSION);
        negotiateMessage = m.array();
        return negotiateMessage.clone();
    }

    /** Parses the CHALLENGE_MESSAGE (2.2.1.2) and builds the AUTHENTICATE_MESSAGE (2.2.1.3). */
    byte[] authenticate(byte[] challenge) throws IOException {
        if (challenge.length < 48 || !Arrays.equals(challenge, 0, 8, SIGNATURE, 0, 8) || le(challenge).getInt(8) != 2) {
            throw new IOException("server sent no NTLMSSP CHALLENGE_MESSAGE (" + challenge.length + " bytes)");
        }
        ByteBuffer c = le(challenge);
        int serverFlags = c.getInt(20);
        if ((serverFlags & NEGOTIATE_UNICODE) == 0 || (serverFlags & NEGOTIATE_TARGET_INFO) == 0) {
            throw new IOException(String.format("CHALLENGE_MESSAGE flags 0x%08x lack UNICODE or TARGET_INFO;"
                    + " NTLMv2 needs both", serverFlags));
        }
        flags = serverFlags & (NEGOTIATE_UNICODE | NEGOTIATE_SIGN | NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN
                | EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO | NEGOTIATE_VERSION | NEGOTIATE_128
                | NEGOTIATE_KEY_EXCH);
        byte[] serverChallenge = Arrays.copyOfRange(challenge, 24, 32);
        byte[] targetInfo = field(challenge, 40);

        // 3.1.5.1.2: if the server sent MsvAvTimestamp, use it (and send a MIC); the LM response is Z(24).
        long timestamp = avTimestamp(targetInfo);
        if (timestamp == 0) {
            timestamp = (System.currentTimeMillis() + 11_644_473_600_000L) * 10_000L;
        }
        byte[] clientChallenge = new byte[8];
        RANDOM.nextBytes(clientChallenge);
        byte[] avPairs = withMicFlag(targetInfo);
        // 2.2.2.7 NTLMv2_CLIENT_CHALLENGE: RespType 1, HiRespType 1, Reserved1(2), Reserved2(4), TimeStamp,
        // ChallengeFromClient, Reserved3(4), AvPairs; 3.3.2 appends four zero bytes.
        ByteBuffer temp = le(ByteBuffer.allocate(28 + avPairs.length + 4));
        temp.put((byte) 1).put((byte) 1).putShort((short) 0).putInt(0).putLong(timestamp).put(clientChallenge)
                .putInt(0).put(avPairs).putInt(0);
        byte[] responseKeyNt = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(password), user, domain);
        byte[] ntProof = NtlmCrypto.hmacMd5(responseKeyNt, serverChallenge, temp.array());
        byte[] ntResponse = concat(ntProof, temp.array());
        byte[] sessionBaseKey = NtlmCrypto.hmacMd5(responseKeyNt, ntProof);
        // 3.4.5.1: with NTLMv2 the KeyExchangeKey is the SessionBaseKey; 3.1.5.1.2: with KEY_EXCH the
        // client picks a random ExportedSessionKey and sends it RC4-encrypted under the KeyExchangeKey.
        byte[] encryptedKey = new byte[0];
        if ((flags & NEGOTIATE_KEY_EXCH) != 0) {
            exportedSessionKey = new byte[16];
            RANDOM.nextBytes(exportedSessionKey);
            encryptedKey = NtlmCrypto.rc4(NtlmCrypto.rc4(sessionBaseKey), exportedSessionKey);
        } else {
            exportedSessionKey = sessionBaseKey;
        }
        byte[] lm = new byte[24];
        byte[] dom = domain.getBytes(StandardCharsets.UTF_16LE);
        byte[] usr = user.getBytes(StandardCharsets.UTF_16LE);
        byte[] ws = new byte[0];
        ByteBuffer m = le(ByteBuffer.allocate(AUTHENTICATE_HEADER + lm.length + ntResponse.length + dom.length
                + usr.length + encryptedKey.length));
        m.put(SIGNATURE).putInt(3);
        int off = AUTHENTICATE_HEADER;
        off = fieldHeader(m, lm.length, off);
        off = fieldHeader(m, ntResponse.length, off);
        off = fieldHeader(m, dom.length, off);
        off = fieldHeader(m, usr.length, off);
        off = fieldHeader(m, ws.length, off);
        fieldHeader(m, encryptedKey.length, off);
        m.putInt(flags).put(VERSION).put(new byte[16]); // MIC, filled in below
        m.put(lm).put(ntResponse).put(dom).put(usr).put(ws).put(encryptedKey);
        byte[] auth = m.array();
        // 3.1.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with a zero MIC).
        byte[] mic = NtlmCrypto.hmacMd5(exportedSessionKey, negotiateMessage, challenge, auth);
        System.arraycopy(mic, 0, auth, MIC_OFFSET, 16);
        return auth;
    }

    byte[] sessionKey() {
        return exportedSessionKey.clone();
    }

    /**
     * [MS-NLMP] 3.4.4.2 MAC of {@code message} with sequence number 0, as the client (true) or the server
     * sends it: SPNEGO's mechListMIC ([MS-SPNG] 3.1.5.1).
     */
    byte[] mac(byte[] message, boolean client) {
        return NtlmCrypto.mac(exportedSessionKey, (flags & NEGOTIATE_KEY_EXCH) != 0, message, client);
    }

    private static int fieldHeader(ByteBuffer m, int len, int off) {
        m.putShort((short) len).putShort((short) len).putInt(off);
        return off + len;
    }

    /** The server's AV pairs with MsvAvFlags MIC-present added (or set) before MsvAvEOL. */
    private static byte[] withMicFlag(byte[] targetInfo) throws IOException {
        ByteBuffer in = le(targetInfo);
        ByteBuffer out = le(ByteBuffer.allocate(targetInfo.length + 12));
        boolean flagged = false;
        int p = 0;
        while (true) {
            if (p + 4 > targetInfo.length) {
                throw new IOException("CHALLENGE_MESSAGE TargetInfo has no MsvAvEOL within " + targetInfo.length
                        + " bytes");
            }
            int id = in.getShort(p) & 0xFFFF;
            int len = in.getShort(p + 2) & 0xFFFF;
            if (id == MSV_AV_EOL) {
                break;
            }
            if (p + 4 + len > targetInfo.length) {
                throw new IOException("CHALLENGE_MESSAGE AV pair " + id + " of " + len + " bytes overruns TargetInfo");
            }
            if (id == MSV_AV_FLAGS && len == 4) {
                out.putShort((short) id).putShort((short) 4).putInt(in.getInt(p + 4) | AV_FLAG_MIC);
                flagged = true;
            } else {
                out.put(targetInfo, p, 4 + len);
            }
            p += 4 + len;
        }
        if (!flagged) {
            out.putShort((short) MSV_AV_FLAGS).putShort((short) 4).putInt(AV_FLAG_MIC);
        }
        out.putShort((short) MSV_AV_EOL).putShort((short) 0);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static long avTimestamp(byte[] targetInfo) {
        ByteBuffer in = le(targetInfo);
        for (int p = 0; p + 4 <= targetInfo.length; ) {
            int id = in.getShort(p) & 0xFFFF;
            int len = in.getShort(p + 2) & 0xFFFF;
            if (id == MSV_AV_EOL) {
                break;
            }
            if (id == MSV_AV_TIMESTAMP && len == 8 && p + 12 <= targetInfo.length) {
                return in.getLong(p + 4);
            }
            p += 4 + len;
        }
        return 0;
    }

    private static byte[] field(byte[] msg, int at) throws IOException {
        ByteBuffer b = le(msg);
        int len = b.getShort(at) & 0xFFFF;
        int off = b.getInt(at + 4);
        if (off < 0 || off + len > msg.length) {
            throw new IOException("NTLMSSP field at " + at + " points outside the message: offset " + off
                    + ", length " + len + ", message " + msg.length + " bytes");
        }
        return Arrays.copyOfRange(msg, off, off + len);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
