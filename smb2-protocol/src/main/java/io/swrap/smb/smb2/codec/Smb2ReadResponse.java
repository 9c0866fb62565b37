package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.20 SMB2 READ Response: StructureSize (2) = 17, DataOffset (1), Reserved (1),
 * DataLength (4), DataRemaining (4), Flags (4), Buffer (the data, at header offset 80, or 80 + {@code padding}
 * zero bytes later: a client must follow DataOffset, smbtorture's smb2.read.bug14607).
 * Encoding releases {@code data}.
 */
public record Smb2ReadResponse(ByteBuf data, int padding) implements Smb2ResponseBody {
    public Smb2ReadResponse(ByteBuf data) {
        this(data, 0);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(17);
        out.writeByte(Smb2Header.SIZE + 16 + padding);
        out.writeByte(0);
        out.writeIntLE(data.readableBytes());
        out.writeIntLE(0);
        out.writeIntLE(0);
        out.writeZero(padding);
        out.writeBytes(data);
        data.release();
    }
}
