package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/** [MS-SMB2] 2.2.40 SMB2 SET_INFO Response: StructureSize (2) = 2. */
public record Smb2SetInfoResponse() implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(2);
    }
}
