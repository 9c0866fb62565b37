package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.32 SMB2 IOCTL Response: StructureSize (2) = 49, Reserved (2), CtlCode (4), FileId (16),
 * InputOffset (4), InputCount (4), OutputOffset (4), OutputCount (4), Flags (4), Reserved2 (4), Buffer
 * (output at header offset 112, or 112 + {@code padding} zero bytes later: a client must follow OutputOffset,
 * smbtorture's smb2.ioctl.bug14607; no input echoed).
 */
public record Smb2IoctlResponse(int ctlCode, Smb2FileId fileId, byte[] output, int padding)
        implements Smb2ResponseBody {
    public Smb2IoctlResponse {
        if (padding < 0 || padding > 255) {
            throw new IllegalArgumentException("IOCTL response padding: " + padding + " (expected: 0..255)");
        }
    }

    public Smb2IoctlResponse(int ctlCode, Smb2FileId fileId, byte[] output) {
        this(ctlCode, fileId, output, 0);
    }

    @Override
    public void encode(ByteBuf out) {
        int bufferOffset = Smb2Header.SIZE + 48 + padding;
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
        out.writeZero(padding);
        out.writeBytes(output);
    }
}
