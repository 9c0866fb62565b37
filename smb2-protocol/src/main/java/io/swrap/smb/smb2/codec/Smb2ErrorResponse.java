package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.2 SMB2 ERROR Response: StructureSize (2) = 9, ErrorContextCount (1) = 0, Reserved (1),
 * ByteCount (4), ErrorData. Without data, "ErrorData MUST be ... 1 byte"; STATUS_BUFFER_TOO_SMALL carries
 * the 4-byte size the client needs (2.2.2.2).
 */
public record Smb2ErrorResponse(byte[] errorData) implements Smb2ResponseBody {
    public Smb2ErrorResponse() {
        this(new byte[0]);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(9);
        out.writeByte(0);
        out.writeByte(0);
        out.writeIntLE(errorData.length);
        if (errorData.length == 0) {
            out.writeByte(0);
        } else {
            out.writeBytes(errorData);
        }
    }
}
