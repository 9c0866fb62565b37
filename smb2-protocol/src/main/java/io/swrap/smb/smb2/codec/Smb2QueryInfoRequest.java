package io.swrap.smb.smb2.codec;

/**
 * [MS-SMB2] 2.2.37 SMB2 QUERY_INFO Request: StructureSize (2) = 41, InfoType (1), FileInfoClass (1),
 * OutputBufferLength (4), InputBufferOffset (2), Reserved (2), InputBufferLength (4),
 * AdditionalInformation (4), Flags (4), FileId (16), Buffer.
 */
public record Smb2QueryInfoRequest(int infoType, int infoClass, int outputBufferLength, int additionalInformation,
        Smb2FileId fileId) {
    public static final int INFO_FILE = 0x01;
    public static final int INFO_FILESYSTEM = 0x02;
    public static final int INFO_SECURITY = 0x03;
    public static final int INFO_QUOTA = 0x04;

    public static Smb2QueryInfoRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(41, 40);
        var m = req.content();
        int b = Smb2Header.SIZE;
        return new Smb2QueryInfoRequest(m.getUnsignedByte(b + 2), m.getUnsignedByte(b + 3), m.getIntLE(b + 4),
                m.getIntLE(b + 16), Smb2FileId.read(m, b + 24));
    }
}
