package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 2.2.3 SMB2 NEGOTIATE Request: StructureSize (2) = 36, DialectCount (2), SecurityMode (2),
 * Reserved (2), Capabilities (4), ClientGuid (16), NegotiateContextOffset (4) / NegotiateContextCount (2) /
 * Reserved2 (2) (ClientStartTime (8) before 3.1.1), Dialects (2 each), padding, NegotiateContextList.
 */
public record Smb2NegotiateRequest(int securityMode, int capabilities, byte[] clientGuid, int[] dialects,
        List<Smb2NegotiateContext> contexts) {

    public static Smb2NegotiateRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(36, 36);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int count = m.getUnsignedShortLE(b + 2);
        if (count == 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "NEGOTIATE with DialectCount 0");
        }
        req.checkRange(b + 36, count * 2L, "Dialects");
        int[] dialects = new int[count];
        boolean has311 = false;
        for (int i = 0; i < count; i++) {
            dialects[i] = m.getUnsignedShortLE(b + 36 + 2 * i);
            has311 |= dialects[i] == Smb2Dialect.SMB3_11;
        }
        byte[] guid = new byte[16];
        m.getBytes(b + 12, guid);
        List<Smb2NegotiateContext> contexts = new ArrayList<>();
        if (has311) {
            long off = m.getUnsignedIntLE(b + 28);
            int n = m.getUnsignedShortLE(b + 32);
            for (int i = 0; i < n; i++) {
                off = (off + 7) & ~7L;
                req.checkRange(off, 8, "NegotiateContext " + i);
                int len = m.getUnsignedShortLE((int) off + 2);
                req.checkRange(off + 8, len, "NegotiateContext " + i + " data");
                byte[] data = new byte[len];
                m.getBytes((int) off + 8, data);
                contexts.add(new Smb2NegotiateContext(m.getUnsignedShortLE((int) off), data));
                off += 8 + len;
            }
        }
        return new Smb2NegotiateRequest(m.getUnsignedShortLE(b + 4), m.getIntLE(b + 8), guid, dialects, contexts);
    }
}
