package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.5 SMB2 SESSION_SETUP Request: StructureSize (2) = 25, Flags (1), SecurityMode (1),
 * Capabilities (4), Channel (4), SecurityBufferOffset (2), SecurityBufferLength (2), PreviousSessionId (8), Buffer.
 */
public record Smb2SessionSetupRequest(int flags, int securityMode, int capabilities, long previousSessionId,
        byte[] securityBuffer) {
    public static final int FLAG_BINDING = 0x01;

    public static Smb2SessionSetupRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(25, 24);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int off = m.getUnsignedShortLE(b + 12);
        int len = m.getUnsignedShortLE(b + 14);
        req.checkRange(off, len, "SecurityBuffer");
        byte[] token = new byte[len];
        m.getBytes(off, token);
        return new Smb2SessionSetupRequest(m.getUnsignedByte(b + 2), m.getUnsignedByte(b + 3), m.getIntLE(b + 4),
                m.getLongLE(b + 16), token);
    }
}
