package io.swrap.smb.smb2.codec;

/**
 * [MS-SMB2] 2.2.35 SMB2 CHANGE_NOTIFY Request: StructureSize (2) = 32, Flags (2), OutputBufferLength (4),
 * FileId (16), CompletionFilter (4), Reserved (4). The response is 2.2.36, laid out as
 * {@link Smb2OutputBufferResponse}.
 */
public record Smb2ChangeNotifyRequest(int flags, int outputBufferLength, Smb2FileId fileId, int completionFilter) {
    public static final int WATCH_TREE = 0x0001;

    public static Smb2ChangeNotifyRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(32, 32);
        var m = req.content();
        int b = Smb2Header.SIZE;
        return new Smb2ChangeNotifyRequest(m.getUnsignedShortLE(b + 2), m.getIntLE(b + 4), Smb2FileId.read(m, b + 8),
                m.getIntLE(b + 24));
    }
}
