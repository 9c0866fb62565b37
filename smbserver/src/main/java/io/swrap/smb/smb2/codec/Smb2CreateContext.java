package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 2.2.13.2 SMB2_CREATE_CONTEXT: Next (4), NameOffset (2), NameLength (2), Reserved (2),
 * DataOffset (2), DataLength (4), Buffer (name, padding, data; each context 8-byte aligned).
 */
public record Smb2CreateContext(String name, byte[] data) {
    public static final String MAXIMAL_ACCESS = "MxAc";
    public static final String QUERY_ON_DISK_ID = "QFid";
    public static final String DURABLE_HANDLE_REQUEST = "DHnQ";

    /** Decodes the chain at {@code offset} (relative to the header) of {@code length} bytes. */
    static List<Smb2CreateContext> decodeChain(Smb2Request req, int offset, int length) throws Smb2Exception {
        List<Smb2CreateContext> out = new ArrayList<>();
        if (length == 0) {
            return out;
        }
        req.checkRange(offset, length, "CreateContexts");
        ByteBuf m = req.content();
        int p = offset;
        int end = offset + length;
        while (true) {
            if (p + 16 > end) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p + " truncated");
            }
            int next = m.getIntLE(p);
            int nameOff = m.getUnsignedShortLE(p + 4);
            int nameLen = m.getUnsignedShortLE(p + 6);
            int dataOff = m.getUnsignedShortLE(p + 10);
            int dataLen = m.getIntLE(p + 12);
            int limit = next == 0 ? end - p : next;
            if (nameOff + nameLen > limit || (dataLen != 0 && (dataLen < 0 || dataOff + (long) dataLen > limit))) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p
                        + ": name or data beyond its end (" + limit + " bytes)");
            }
            String name = m.toString(p + nameOff, nameLen, StandardCharsets.US_ASCII);
            byte[] data = new byte[dataLen];
            m.getBytes(p + dataOff, data);
            out.add(new Smb2CreateContext(name, data));
            if (next == 0) {
                return out;
            }
            if ((next & 7) != 0 || p + next >= end) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context Next " + next + " misaligned or past the end");
            }
            p += next;
        }
    }

    /** Encodes a response chain; {@code out}'s start is 8-byte aligned. */
    static void encodeChain(List<Smb2CreateContext> contexts, ByteBuf out) {
        for (int i = 0; i < contexts.size(); i++) {
            Smb2CreateContext c = contexts.get(i);
            int start = out.writerIndex();
            int dataOff = 24; // 16 fixed + 4-byte name, padded to 8
            int size = dataOff + c.data.length;
            int padded = (size + 7) & ~7;
            out.writeIntLE(i == contexts.size() - 1 ? 0 : padded);
            out.writeShortLE(16);
            out.writeShortLE(c.name.length());
            out.writeShortLE(0);
            out.writeShortLE(c.data.length == 0 ? 0 : dataOff);
            out.writeIntLE(c.data.length);
            out.writeBytes(c.name.getBytes(StandardCharsets.US_ASCII));
            out.writeZero(dataOff - 16 - c.name.length());
            out.writeBytes(c.data);
            if (i != contexts.size() - 1) {
                out.writeZero(padded - (out.writerIndex() - start));
            }
        }
    }
}
