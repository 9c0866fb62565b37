package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.23.2 Lease Break Notification: StructureSize (2) = 44, NewEpoch (2), Flags (4),
 * LeaseKey (16), CurrentLeaseState (4), NewLeaseState (4), BreakReason (4), AccessMaskHint (4),
 * ShareMaskHint (4); the last three are 0.
 */
public record Smb2LeaseBreakNotification(int newEpoch, boolean ackRequired, byte[] leaseKey, int currentState,
        int newState) implements Smb2ResponseBody {
    public static final int FLAG_ACK_REQUIRED = 0x01;

    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(44);
        out.writeShortLE(newEpoch);
        out.writeIntLE(ackRequired ? FLAG_ACK_REQUIRED : 0);
        out.writeBytes(leaseKey);
        out.writeIntLE(currentState);
        out.writeIntLE(newState);
        out.writeIntLE(0);
        out.writeIntLE(0);
        out.writeIntLE(0);
    }
}
