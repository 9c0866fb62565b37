package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * [MS-SMB2] 2.2.9 SMB2 TREE_CONNECT Request: StructureSize (2) = 9, Flags/Reserved (2), PathOffset (2),
 * PathLength (2), Buffer: "\\server\share" in UTF-16LE. (The 3.1.1 extension is not decoded.)
 */
public record Smb2TreeConnectRequest(int flags, String path) {
    public static Smb2TreeConnectRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(9, 8);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int off = m.getUnsignedShortLE(b + 4);
        int len = m.getUnsignedShortLE(b + 6);
        req.checkRange(off, len, "Path");
        return new Smb2TreeConnectRequest(m.getUnsignedShortLE(b + 2), m.toString(off, len, StandardCharsets.UTF_16LE));
    }

    /** The share part of the path: after the last backslash. */
    public String shareName() {
        int i = path.lastIndexOf('\\');
        return i < 0 ? path : path.substring(i + 1);
    }
}
