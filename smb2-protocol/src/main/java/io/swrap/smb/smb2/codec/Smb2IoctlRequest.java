package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.31 SMB2 IOCTL Request: StructureSize (2) = 57, Reserved (2), CtlCode (4), FileId (16),
 * InputOffset (4), InputCount (4), MaxInputResponse (4), OutputOffset (4), OutputCount (4),
 * MaxOutputResponse (4), Flags (4), Reserved2 (4), Buffer.
 */
public record Smb2IoctlRequest(int ctlCode, Smb2FileId fileId, ByteBuf input, int maxOutputResponse, int flags) {
    public static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;
    public static final int FSCTL_QUERY_NETWORK_INTERFACE_INFO = 0x001401FC;
    public static final int FSCTL_CREATE_OR_GET_OBJECT_ID = 0x000900C0;
    public static final int SMB2_0_IOCTL_IS_FSCTL = 0x1;

    public static Smb2IoctlRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(57, 56);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        long inOff = m.getUnsignedIntLE(b + 24);
        long inLen = m.getUnsignedIntLE(b + 28);
        req.checkRange(inOff, inLen, "IOCTL input");
        return new Smb2IoctlRequest(m.getIntLE(b + 4), Smb2FileId.read(m, b + 8),
                inLen == 0 ? m.slice(0, 0) : m.slice((int) inOff, (int) inLen), m.getIntLE(b + 44), m.getIntLE(b + 48));
    }
}
