package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.25.2 Lease Break Response: StructureSize (2) = 36, Reserved (2), Flags (4), LeaseKey (16),
 * LeaseState (4), LeaseDuration (8).
 */
public record Smb2LeaseBreakResponse(byte[] leaseKey, int leaseState) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(36);
        out.writeShortLE(0);
        out.writeIntLE(0);
        out.writeBytes(leaseKey);
        out.writeIntLE(leaseState);
        out.writeLongLE(0);
    }
}
