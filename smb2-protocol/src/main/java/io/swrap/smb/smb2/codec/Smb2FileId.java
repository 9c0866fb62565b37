package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/** [MS-SMB2] 2.2.14.1 SMB2_FILEID: Persistent (8) and Volatile (8). */
public record Smb2FileId(long persistent, long volatileId) {
    /** All bits set: in a related compound, "the FileId from the previous operation" (3.3.5.2.7.2). */
    public static final Smb2FileId COMPOUND = new Smb2FileId(-1, -1);

    public static Smb2FileId read(ByteBuf m, int index) {
        return new Smb2FileId(m.getLongLE(index), m.getLongLE(index + 8));
    }

    public void write(ByteBuf out) {
        out.writeLongLE(persistent);
        out.writeLongLE(volatileId);
    }
}
