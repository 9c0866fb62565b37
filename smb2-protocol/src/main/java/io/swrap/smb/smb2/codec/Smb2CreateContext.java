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
    /** Next, NameOffset, NameLength, Reserved, DataOffset, DataLength. */
    private static final int FIXED_SIZE = 16;

    /** Decodes the chain at {@code offset} (relative to the header) of {@code length} bytes. */
    static List<Smb2CreateContext> decodeChain(Smb2Request req, long offset, long length) throws Smb2Exception {
        List<Smb2CreateContext> out = new ArrayList<>();
        req.checkRange(offset, length, "CreateContexts");
        if (length == 0) {
            return out;
        }
        ByteBuf m = req.content();
        int p = (int) offset;
        int end = (int) (offset + length);
        while (true) {
            if (end - p < FIXED_SIZE) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p + " truncated: "
                        + (end - p) + " bytes left (expected: >= " + FIXED_SIZE + ")");
            }
            long next = m.getUnsignedIntLE(p);
            // Next is checked before anything it bounds is read: it must stay inside the chain.
            if (next != 0 && ((next & 7) != 0 || next < FIXED_SIZE || next >= end - p)) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p + ": Next " + next
                        + " (expected: 0, or a multiple of 8 in " + FIXED_SIZE + ".." + (end - p - 1) + ")");
            }
            long limit = next == 0 ? end - p : next;
            int nameOff = m.getUnsignedShortLE(p + 4);
            int nameLen = m.getUnsignedShortLE(p + 6);
            int dataOff = m.getUnsignedShortLE(p + 10);
            long dataLen = m.getUnsignedIntLE(p + 12);
            if (nameLen < 4) {
                // every defined name has 4 or 16 bytes; Samba refuses a shorter one (smb2.create.blob)
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p + ": NameLength "
                        + nameLen + " (expected: >= 4)");
            }
            if (nameOff < FIXED_SIZE || nameOff + (long) nameLen > limit
                    || (dataLen != 0 && (dataOff < FIXED_SIZE || dataOff + dataLen > limit))) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "create context at " + p + ": name at " + nameOff
                        + "+" + nameLen + ", data at " + dataOff + "+" + dataLen + " outside its " + limit + " bytes");
            }
            // empty data may carry any offset: it is not read
            // one char per byte: the names that are GUIDs (SMB2_CREATE_APP_INSTANCE_ID) keep their bytes
            String name = m.toString(p + nameOff, nameLen, StandardCharsets.ISO_8859_1);
            // dataLen <= limit <= the message's length: the copy is bounded by what the peer actually sent
            byte[] data = new byte[(int) dataLen];
            if (dataLen != 0) {
                m.getBytes(p + dataOff, data);
            }
            out.add(new Smb2CreateContext(name, data));
            if (next == 0) {
                return out;
            }
            p += (int) next;
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
            out.writeBytes(c.name.getBytes(StandardCharsets.ISO_8859_1));
            out.writeZero(dataOff - 16 - c.name.length());
            out.writeBytes(c.data);
            if (i != contexts.size() - 1) {
                out.writeZero(padded - (out.writerIndex() - start));
            }
        }
    }
}
