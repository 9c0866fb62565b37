package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * The 4-byte bodies (StructureSize 4, Reserved 2) shared by the LOGOFF (2.2.8), TREE_DISCONNECT (2.2.12),
 * FLUSH (2.2.18), LOCK (2.2.27) and ECHO (2.2.29) responses of [MS-SMB2].
 */
public record Smb2EmptyBody() implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(4);
        out.writeShortLE(0);
    }
}
