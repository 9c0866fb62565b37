package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * The shared layout of [MS-SMB2] 2.2.34 SMB2 QUERY_DIRECTORY Response and 2.2.38 SMB2 QUERY_INFO Response:
 * StructureSize (2) = 9, OutputBufferOffset (2), OutputBufferLength (4), Buffer (at header offset 72).
 */
public record Smb2OutputBufferResponse(ByteBuf buffer) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(9);
        out.writeShortLE(Smb2Header.SIZE + 8);
        out.writeIntLE(buffer.readableBytes());
        if (buffer.readableBytes() == 0) {
            out.writeByte(0);
        } else {
            out.writeBytes(buffer);
        }
        buffer.release();
    }
}
