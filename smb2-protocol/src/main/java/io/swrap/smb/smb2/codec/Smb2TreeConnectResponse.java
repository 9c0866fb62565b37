package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.10 SMB2 TREE_CONNECT Response: StructureSize (2) = 16, ShareType (1), Reserved (1),
 * ShareFlags (4), Capabilities (4), MaximalAccess (4).
 */
public record Smb2TreeConnectResponse(int shareType, int shareFlags, int capabilities, int maximalAccess)
        implements Smb2ResponseBody {
    public static final int SHARE_TYPE_DISK = 0x01;
    public static final int SHARE_TYPE_PIPE = 0x02;
    public static final int SHAREFLAG_ENCRYPT_DATA = 0x00008000;

    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(16);
        out.writeByte(shareType);
        out.writeByte(0);
        out.writeIntLE(shareFlags);
        out.writeIntLE(capabilities);
        out.writeIntLE(maximalAccess);
    }
}
