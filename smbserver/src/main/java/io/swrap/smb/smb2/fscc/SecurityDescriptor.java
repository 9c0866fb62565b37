package io.swrap.smb.smb2.fscc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A minimal self-relative SECURITY_DESCRIPTOR ([MS-DTYP] 2.4.6) for QUERY_INFO SMB2_0_INFO_SECURITY:
 * owner and group are Samba's unix-id SIDs (S-1-22-1-uid, S-1-22-2-gid) and the DACL grants Everyone
 * (S-1-1-0) the share's maximal access. ACLs are not stored: this describes what the server enforces.
 */
public final class SecurityDescriptor {
    public static final int OWNER_SECURITY_INFORMATION = 0x1;
    public static final int GROUP_SECURITY_INFORMATION = 0x2;
    public static final int DACL_SECURITY_INFORMATION = 0x4;
    private static final int SE_DACL_PRESENT = 0x0004;
    private static final int SE_SELF_RELATIVE = 0x8000;

    private SecurityDescriptor() {
    }

    /** The parts of the descriptor that {@code additionalInformation} asks for. */
    public static byte[] encode(int additionalInformation, int uid, int gid, int everyoneAccess) {
        byte[] owner = (additionalInformation & OWNER_SECURITY_INFORMATION) != 0 ? sid(22, 1, uid) : null;
        byte[] group = (additionalInformation & GROUP_SECURITY_INFORMATION) != 0 ? sid(22, 2, gid) : null;
        byte[] dacl = (additionalInformation & DACL_SECURITY_INFORMATION) != 0 ? dacl(everyoneAccess) : null;
        int size = 20 + len(owner) + len(group) + len(dacl);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 0).putShort((short) (SE_SELF_RELATIVE | (dacl != null ? SE_DACL_PRESENT : 0)));
        int off = 20;
        b.putInt(owner != null ? off : 0);
        off += len(owner);
        b.putInt(group != null ? off : 0);
        off += len(group);
        b.putInt(0); // no SACL
        b.putInt(dacl != null ? off : 0);
        for (byte[] part : new byte[][] {owner, group, dacl}) {
            if (part != null) {
                b.put(part);
            }
        }
        return b.array();
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    /** SID S-1-authority-sub...: Revision, SubAuthorityCount, IdentifierAuthority (6, big-endian), subs (LE). */
    private static byte[] sid(int authority, int... subs) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * subs.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) subs.length).put(new byte[] {0, 0, 0, 0, 0, (byte) authority});
        for (int s : subs) {
            b.putInt(s);
        }
        return b.array();
    }

    /** ACL with one ACCESS_ALLOWED_ACE for Everyone: AclRevision 2, AclSize, AceCount 1. */
    private static byte[] dacl(int access) {
        byte[] everyone = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
        int aceSize = 8 + everyone.length;
        ByteBuffer b = ByteBuffer.allocate(8 + aceSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 2).put((byte) 0).putShort((short) (8 + aceSize)).putShort((short) 1).putShort((short) 0);
        b.put((byte) 0).put((byte) 0).putShort((short) aceSize).putInt(access).put(everyone);
        return b.array();
    }
}
