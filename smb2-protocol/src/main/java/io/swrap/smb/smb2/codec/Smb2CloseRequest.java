package io.swrap.smb.smb2.codec;

/** [MS-SMB2] 2.2.15 SMB2 CLOSE Request: StructureSize (2) = 24, Flags (2), Reserved (4), FileId (16). */
public record Smb2CloseRequest(int flags, Smb2FileId fileId) {
    public static final int POSTQUERY_ATTRIB = 0x0001;

    public static Smb2CloseRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(24, 24);
        return new Smb2CloseRequest(req.content().getUnsignedShortLE(Smb2Header.SIZE + 2),
                Smb2FileId.read(req.content(), Smb2Header.SIZE + 8));
    }
}
