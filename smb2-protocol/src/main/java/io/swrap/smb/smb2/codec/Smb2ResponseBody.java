package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/** The body of an SMB2 response, written after the 64-byte header (offsets in it count from the header). */
public interface Smb2ResponseBody {
    void encode(ByteBuf out);
}
