package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.39 SMB2 SET_INFO Request: StructureSize (2) = 33, InfoType (1), FileInfoClass (1),
 * BufferLength (4), BufferOffset (2), Reserved (2), AdditionalInformation (4), FileId (16), Buffer.
 */
public record Smb2SetInfoRequest(int infoType, int infoClass, int additionalInformation, Smb2FileId fileId,
        ByteBuf buffer) {
    public static Smb2SetInfoRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(33, 32);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        long len = m.getUnsignedIntLE(b + 4);
        int off = m.getUnsignedShortLE(b + 8);
        req.checkRange(off, len, "SET_INFO Buffer");
        return new Smb2SetInfoRequest(m.getUnsignedByte(b + 2), m.getUnsignedByte(b + 3), m.getIntLE(b + 12),
                Smb2FileId.read(m, b + 16),
                len == 0 ? m.slice(0, 0) : m.slice(off, (int) len));
    }
}
