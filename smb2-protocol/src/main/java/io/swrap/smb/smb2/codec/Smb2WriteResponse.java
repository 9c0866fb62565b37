package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.22 SMB2 WRITE Response: StructureSize (2) = 17, Reserved (2), Count (4), Remaining (4),
 * WriteChannelInfoOffset (2), WriteChannelInfoLength (2).
 */
public record Smb2WriteResponse(int count) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(17);
        out.writeShortLE(0);
        out.writeIntLE(count);
        out.writeIntLE(0);
        out.writeShortLE(0);
        out.writeShortLE(0);
        out.writeByte(0);
    }
}
