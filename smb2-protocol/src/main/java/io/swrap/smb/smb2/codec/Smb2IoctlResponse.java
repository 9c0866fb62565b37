package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.32 SMB2 IOCTL Response: StructureSize (2) = 49, Reserved (2), CtlCode (4), FileId (16),
 * InputOffset (4), InputCount (4), OutputOffset (4), OutputCount (4), Flags (4), Reserved2 (4), Buffer
 * (output at header offset 112; no input echoed).
 */
public record Smb2IoctlResponse(int ctlCode, Smb2FileId fileId, byte[] output) implements Smb2ResponseBody {
    @Override
    public void encode(ByteBuf out) {
        int bufferOffset = Smb2Header.SIZE + 48;
        out.writeShortLE(49);
        out.writeShortLE(0);
        out.writeIntLE(ctlCode);
        fileId.write(out);
        out.writeIntLE(bufferOffset);
        out.writeIntLE(0);
        out.writeIntLE(bufferOffset);
        out.writeIntLE(output.length);
        out.writeIntLE(0);
        out.writeIntLE(0);
        out.writeBytes(output);
    }
}
