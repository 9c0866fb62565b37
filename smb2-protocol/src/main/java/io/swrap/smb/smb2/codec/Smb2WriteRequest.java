package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.21 SMB2 WRITE Request: StructureSize (2) = 49, DataOffset (2), Length (4), Offset (8),
 * FileId (16), Channel (4), RemainingBytes (4), WriteChannelInfoOffset (2), WriteChannelInfoLength (2),
 * Flags (4), Buffer. {@code data} is a view into the request, valid while it is.
 */
public record Smb2WriteRequest(long offset, Smb2FileId fileId, ByteBuf data) {
    public static Smb2WriteRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(49, 48);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int off = m.getUnsignedShortLE(b + 2);
        long len = m.getUnsignedIntLE(b + 4);
        req.checkRange(off, len, "WRITE data");
        return new Smb2WriteRequest(m.getLongLE(b + 8), Smb2FileId.read(m, b + 16),
                len == 0 ? m.slice(0, 0) : m.slice(off, (int) len));
    }
}
