package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * [MS-SMB2] 2.2.33 SMB2 QUERY_DIRECTORY Request: StructureSize (2) = 33, FileInformationClass (1),
 * Flags (1), FileIndex (4), FileId (16), FileNameOffset (2), FileNameLength (2), OutputBufferLength (4), Buffer.
 */
public record Smb2QueryDirectoryRequest(int infoClass, int flags, Smb2FileId fileId, String pattern,
        int outputBufferLength) {
    public static final int RESTART_SCANS = 0x01;
    public static final int RETURN_SINGLE_ENTRY = 0x02;
    public static final int INDEX_SPECIFIED = 0x04;
    public static final int REOPEN = 0x10;

    public static Smb2QueryDirectoryRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(33, 32);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int off = m.getUnsignedShortLE(b + 24);
        int len = m.getUnsignedShortLE(b + 26);
        req.checkRange(off, len, "FileName");
        return new Smb2QueryDirectoryRequest(m.getUnsignedByte(b + 2), m.getUnsignedByte(b + 3),
                Smb2FileId.read(m, b + 8), m.toString(off, len, StandardCharsets.UTF_16LE), m.getIntLE(b + 28));
    }
}
