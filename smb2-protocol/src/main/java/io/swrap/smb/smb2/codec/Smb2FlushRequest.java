package io.swrap.smb.smb2.codec;

/** [MS-SMB2] 2.2.17 SMB2 FLUSH Request: StructureSize (2) = 24, Reserved1 (2), Reserved2 (4), FileId (16). */
public record Smb2FlushRequest(Smb2FileId fileId) {
    public static Smb2FlushRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(24, 24);
        return new Smb2FlushRequest(Smb2FileId.read(req.content(), Smb2Header.SIZE + 8));
    }
}
