package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * [MS-SMB2] 2.2.13 SMB2 CREATE Request: StructureSize (2) = 57, SecurityFlags (1), RequestedOplockLevel (1),
 * ImpersonationLevel (4), SmbCreateFlags (8), Reserved (8), DesiredAccess (4), FileAttributes (4),
 * ShareAccess (4), CreateDisposition (4), CreateOptions (4), NameOffset (2), NameLength (2),
 * CreateContextsOffset (4), CreateContextsLength (4), Buffer.
 */
public record Smb2CreateRequest(int oplockLevel, int impersonationLevel, int desiredAccess, int fileAttributes, int shareAccess,
        int createDisposition, int createOptions, String name, List<Smb2CreateContext> contexts) {
    public static final int FILE_SUPERSEDE = 0;
    public static final int FILE_OPEN = 1;
    public static final int FILE_CREATE = 2;
    public static final int FILE_OPEN_IF = 3;
    public static final int FILE_OVERWRITE = 4;
    public static final int FILE_OVERWRITE_IF = 5;
    public static final int FILE_DIRECTORY_FILE = 0x00000001;
    public static final int FILE_NON_DIRECTORY_FILE = 0x00000040;
    public static final int FILE_DELETE_ON_CLOSE = 0x00001000;

    public static Smb2CreateRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(57, 56);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int nameOff = m.getUnsignedShortLE(b + 44);
        int nameLen = m.getUnsignedShortLE(b + 46);
        req.checkRange(nameOff, nameLen, "Name");
        if ((nameLen & 1) != 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CREATE NameLength " + nameLen + " is odd (UTF-16)");
        }
        String name = m.toString(nameOff, nameLen, StandardCharsets.UTF_16LE);
        List<Smb2CreateContext> ctx = Smb2CreateContext.decodeChain(req, m.getUnsignedIntLE(b + 48),
                m.getUnsignedIntLE(b + 52));
        return new Smb2CreateRequest(m.getUnsignedByte(b + 3), m.getIntLE(b + 4), m.getIntLE(b + 24), m.getIntLE(b + 28),
                m.getIntLE(b + 32), m.getIntLE(b + 36), m.getIntLE(b + 40), name, ctx);
    }

    public Smb2CreateContext context(String tag) {
        return contexts.stream().filter(c -> c.name().equals(tag)).findFirst().orElse(null);
    }
}
