package io.swrap.smb.smb2.codec;

/**
 * [MS-SMB2] 2.2.19 SMB2 READ Request: StructureSize (2) = 49, Padding (1), Flags (1), Length (4),
 * Offset (8), FileId (16), MinimumCount (4), Channel (4), RemainingBytes (4), ReadChannelInfoOffset (2),
 * ReadChannelInfoLength (2), Buffer.
 */
public record Smb2ReadRequest(int length, long offset, Smb2FileId fileId, int minimumCount) {
    public static Smb2ReadRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(49, 48);
        var m = req.content();
        int b = Smb2Header.SIZE;
        return new Smb2ReadRequest(m.getIntLE(b + 4), m.getLongLE(b + 8), Smb2FileId.read(m, b + 16),
                m.getIntLE(b + 32));
    }
}
