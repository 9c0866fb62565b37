package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.6 SMB2 SESSION_SETUP Response: StructureSize (2) = 9, SessionFlags (2),
 * SecurityBufferOffset (2), SecurityBufferLength (2), Buffer.
 */
public record Smb2SessionSetupResponse(int sessionFlags, byte[] securityBuffer) implements Smb2ResponseBody {
    public static final int SESSION_FLAG_IS_GUEST = 0x0001;
    public static final int SESSION_FLAG_IS_NULL = 0x0002;
    public static final int SESSION_FLAG_ENCRYPT_DATA = 0x0004;

    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(9);
        out.writeShortLE(sessionFlags);
        out.writeShortLE(securityBuffer.length == 0 ? 0 : Smb2Header.SIZE + 8);
        out.writeShortLE(securityBuffer.length);
        out.writeBytes(securityBuffer);
        if (securityBuffer.length == 0) {
            out.writeByte(0);
        }
    }
}
