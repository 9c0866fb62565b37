package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.16 SMB2 CLOSE Response: StructureSize (2) = 60, Flags (2), Reserved (4), CreationTime,
 * LastAccessTime, LastWriteTime, ChangeTime, AllocationSize, EndofFile (8 each), FileAttributes (4).
 * Without POSTQUERY_ATTRIB every attribute field is zero.
 */
public record Smb2CloseResponse(int flags, long creationTime, long lastAccessTime, long lastWriteTime,
        long changeTime, long allocationSize, long endOfFile, int fileAttributes) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        out.writeShortLE(60);
        out.writeShortLE(flags);
        out.writeIntLE(0);
        out.writeLongLE(creationTime);
        out.writeLongLE(lastAccessTime);
        out.writeLongLE(lastWriteTime);
        out.writeLongLE(changeTime);
        out.writeLongLE(allocationSize);
        out.writeLongLE(endOfFile);
        out.writeIntLE(fileAttributes);
    }
}
