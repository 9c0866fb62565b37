package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.25.1 Oplock Break Response, and 2.2.23.1 Oplock Break Notification, which has the same
 * layout: StructureSize (2) = 24, OplockLevel (1), Reserved (1), Reserved2 (4), FileId (16).
 */
public record Smb2OplockBreakResponse(int oplockLevel, Smb2FileId fileId) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(24);
        out.writeByte(oplockLevel);
        out.writeByte(0);
        out.writeIntLE(0);
        fileId.write(out);
    }
}
