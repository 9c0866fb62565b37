package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * [MS-SMB2] 2.2.14 SMB2 CREATE Response: StructureSize (2) = 89, OplockLevel (1), Flags (1), CreateAction (4),
 * CreationTime, LastAccessTime, LastWriteTime, ChangeTime, AllocationSize, EndofFile (8 each),
 * FileAttributes (4), Reserved2 (4), FileId (16), CreateContextsOffset (4), CreateContextsLength (4), Buffer.
 */
public record Smb2CreateResponse(int oplockLevel, int createAction, long creationTime, long lastAccessTime, long lastWriteTime,
        long changeTime, long allocationSize, long endOfFile, int fileAttributes, Smb2FileId fileId,
        List<Smb2CreateContext> contexts) implements Smb2ResponseBody {
    public static final int FILE_SUPERSEDED = 0;
    public static final int FILE_OPENED = 1;
    public static final int FILE_CREATED = 2;
    public static final int FILE_OVERWRITTEN = 3;

    @Override
    public void encode(ByteBuf out) {
        int start = out.writerIndex();
        out.writeShortLE(89);
        out.writeByte(oplockLevel);
        out.writeByte(0);
        out.writeIntLE(createAction);
        out.writeLongLE(creationTime);
        out.writeLongLE(lastAccessTime);
        out.writeLongLE(lastWriteTime);
        out.writeLongLE(changeTime);
        out.writeLongLE(allocationSize);
        out.writeLongLE(endOfFile);
        out.writeIntLE(fileAttributes);
        out.writeIntLE(0);
        fileId.write(out);
        int lenIndex = out.writerIndex();
        out.writeIntLE(0);
        out.writeIntLE(0);
        if (contexts.isEmpty()) {
            out.writeByte(0);
            return;
        }
        // Body offset 88 = header offset 152, already 8-byte aligned.
        int ctxStart = out.writerIndex();
        Smb2CreateContext.encodeChain(contexts, out);
        out.setIntLE(lenIndex, Smb2Header.SIZE + (ctxStart - start));
        out.setIntLE(lenIndex + 4, out.writerIndex() - ctxStart);
    }
}
