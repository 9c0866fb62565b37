package io.swrap.smb.security;

import io.swrap.smb.rpc.ndr.Sid;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A security descriptor ([MS-DTYP] 2.4.6) as the server keeps it: control flags, owner, group and DACL (null:
 * no DACL, which grants everything). The SACL is not kept (reading it needs a privilege no session has). Read
 * from and written as the self-relative form, every offset and count checked against the buffer first.
 */
public record SecurityDescriptor(int control, Sid owner, Sid group, List<Ace> dacl) {
    /** The largest descriptor a client may set or a file may hold (as Windows' 64 KiB ACL limit). */
    public static final int MAX_SIZE = 64 * 1024;
    public static final int OWNER_SECURITY_INFORMATION = 0x1;
    public static final int GROUP_SECURITY_INFORMATION = 0x2;
    public static final int DACL_SECURITY_INFORMATION = 0x4;
    public static final int SACL_SECURITY_INFORMATION = 0x8;
    public static final int SE_DACL_PRESENT = 0x0004;
    public static final int SE_SACL_PRESENT = 0x0010;
    public static final int SE_DACL_AUTO_INHERIT_REQ = 0x0100;
    public static final int SE_DACL_AUTO_INHERITED = 0x0400;
    public static final int SE_DACL_PROTECTED = 0x1000;
    public static final int SE_SELF_RELATIVE = 0x8000;
    private static final int HEADER = 20;

    public SecurityDescriptor {
        dacl = dacl == null ? null : Collections.unmodifiableList(new ArrayList<>(dacl));
    }

    /** Parses a self-relative descriptor; what is malformed is named in the exception. */
    public static SecurityDescriptor parse(byte[] bytes) throws InvalidSecurityDescriptorException {
        if (bytes.length < HEADER || bytes.length > MAX_SIZE) {
            throw new InvalidSecurityDescriptorException("a descriptor of " + bytes.length + " bytes (expected: "
                    + HEADER + ".." + MAX_SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get(0) != 1) {
            throw new InvalidSecurityDescriptorException("Revision " + b.get(0) + " (expected: 1)");
        }
        int control = Short.toUnsignedInt(b.getShort(2));
        if ((control & SE_SELF_RELATIVE) == 0) {
            throw new InvalidSecurityDescriptorException("control 0x" + Integer.toHexString(control)
                    + " without SE_SELF_RELATIVE");
        }
        int ownerOff = b.getInt(4);
        int groupOff = b.getInt(8);
        int daclOff = b.getInt(16);
        Sid owner = ownerOff == 0 ? null : sid(b, ownerOff, "owner");
        Sid group = groupOff == 0 ? null : sid(b, groupOff, "group");
        List<Ace> dacl = (control & SE_DACL_PRESENT) == 0 || daclOff == 0 ? null : acl(b, daclOff);
        return new SecurityDescriptor(control & ~(SE_SACL_PRESENT), owner, group, dacl);
    }

    private static Sid sid(ByteBuffer b, int off, String what) throws InvalidSecurityDescriptorException {
        if (off < 0 || off > b.capacity() - 8) {
            throw new InvalidSecurityDescriptorException(what + " SID at offset " + off + " outside "
                    + b.capacity() + " bytes");
        }
        int count = Byte.toUnsignedInt(b.get(off + 1));
        if (b.get(off) != 1 || count > Sid.MAX_SUB_AUTHORITIES || off + 8 + 4L * count > b.capacity()) {
            throw new InvalidSecurityDescriptorException(what + " SID at offset " + off + ": revision " + b.get(off)
                    + ", " + count + " sub-authorities in " + b.capacity() + " bytes");
        }
        long authority = 0;
        for (int i = 2; i < 8; i++) {
            authority = authority << 8 | Byte.toUnsignedLong(b.get(off + i));
        }
        long[] subs = new long[count];
        for (int i = 0; i < count; i++) {
            subs[i] = Integer.toUnsignedLong(b.getInt(off + 8 + 4 * i));
        }
        return new Sid(authority, subs);
    }

    private static int sidLength(Sid s) {
        return 8 + 4 * s.subAuthorities().length;
    }

    /** ACL ([MS-DTYP] 2.4.5): AclRevision, Sbz1, AclSize, AceCount, Sbz2, then the ACEs within AclSize. */
    private static List<Ace> acl(ByteBuffer b, int off) throws InvalidSecurityDescriptorException {
        if (off < 0 || off > b.capacity() - 8) {
            throw new InvalidSecurityDescriptorException("DACL at offset " + off + " outside " + b.capacity() + " bytes");
        }
        int size = Short.toUnsignedInt(b.getShort(off + 2));
        int count = Short.toUnsignedInt(b.getShort(off + 4));
        if (size < 8 || off + size > b.capacity()) {
            throw new InvalidSecurityDescriptorException("DACL of " + size + " bytes at offset " + off + " in "
                    + b.capacity() + " bytes");
        }
        List<Ace> aces = new ArrayList<>();
        int p = off + 8;
        for (int i = 0; i < count; i++) {
            if (p + 8 > off + size) {
                throw new InvalidSecurityDescriptorException("ACE " + i + " of " + count + " beyond the DACL's "
                        + size + " bytes");
            }
            int aceSize = Short.toUnsignedInt(b.getShort(p + 2));
            if (aceSize < 8 || p + aceSize > off + size) {
                throw new InvalidSecurityDescriptorException("ACE " + i + " of " + aceSize + " bytes beyond the DACL");
            }
            int type = Byte.toUnsignedInt(b.get(p));
            Sid sid = null;
            if (type == Ace.ACCESS_ALLOWED || type == Ace.ACCESS_DENIED) {
                sid = sid(b, p + 8, "ACE " + i);
                if (8 + sidLength(sid) > aceSize) {
                    throw new InvalidSecurityDescriptorException("ACE " + i + ": its SID overruns its " + aceSize
                            + " bytes");
                }
            }
            if (sid != null) { // other ACE types (object, callback, audit) are not kept
                aces.add(new Ace(type, Byte.toUnsignedInt(b.get(p + 1)), b.getInt(p + 4), sid));
            }
            p += aceSize;
        }
        return aces;
    }

    /** The self-relative form of the parts {@code info} asks for (OWNER/GROUP/DACL_SECURITY_INFORMATION). */
    public byte[] encode(int info) {
        Sid o = (info & OWNER_SECURITY_INFORMATION) != 0 ? owner : null;
        Sid g = (info & GROUP_SECURITY_INFORMATION) != 0 ? group : null;
        List<Ace> d = (info & DACL_SECURITY_INFORMATION) != 0 ? dacl : null;
        int daclSize = 0;
        if (d != null) {
            daclSize = 8;
            for (Ace a : d) {
                daclSize += 8 + sidLength(a.sid());
            }
        }
        int size = HEADER + (o != null ? sidLength(o) : 0) + (g != null ? sidLength(g) : 0) + daclSize;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int c = control & ~(SE_DACL_PRESENT | SE_SACL_PRESENT) | SE_SELF_RELATIVE;
        if ((info & DACL_SECURITY_INFORMATION) == 0) {
            c &= ~(SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED);
        }
        // a NULL DACL (present, no ACL: everyone has every right) is told apart from none by the flag alone
        boolean present = (info & DACL_SECURITY_INFORMATION) != 0 && (d != null || (control & SE_DACL_PRESENT) != 0);
        b.put((byte) 1).put((byte) 0).putShort((short) (c | (present ? SE_DACL_PRESENT : 0)));
        b.position(HEADER);
        int ownerOff = 0;
        int groupOff = 0;
        int daclOff = 0;
        if (o != null) {
            ownerOff = b.position();
            putSid(b, o);
        }
        if (g != null) {
            groupOff = b.position();
            putSid(b, g);
        }
        if (d != null) {
            daclOff = b.position();
            b.put((byte) 2).put((byte) 0).putShort((short) daclSize).putShort((short) d.size()).putShort((short) 0);
            for (Ace a : d) {
                b.put((byte) a.type()).put((byte) a.flags()).putShort((short) (8 + sidLength(a.sid()))).putInt(a.mask());
                putSid(b, a.sid());
            }
        }
        b.putInt(4, ownerOff).putInt(8, groupOff).putInt(12, 0).putInt(16, daclOff);
        return b.array();
    }

    private static void putSid(ByteBuffer b, Sid s) {
        long[] subs = s.subAuthorities();
        b.put((byte) 1).put((byte) subs.length);
        for (int i = 5; i >= 0; i--) {
            b.put((byte) (s.authority() >>> (8 * i)));
        }
        for (long sub : subs) {
            b.putInt((int) sub);
        }
    }

    /**
     * This descriptor as a client's is stored ([MS-DTYP] 2.5.3.4, as Windows and Samba): the GENERIC_* bits of an
     * ACE that applies to the object itself become the file rights they stand for; inherit-only ACEs keep theirs
     * for the children, which map them when they inherit.
     */
    public SecurityDescriptor genericMapped() {
        if (dacl == null) {
            return this;
        }
        List<Ace> out = new ArrayList<>();
        for (Ace a : dacl) {
            out.add(a.inheritOnly() ? a : new Ace(a.type(), a.flags(), AccessCheck.mapGeneric(a.mask()), a.sid()));
        }
        return new SecurityDescriptor(control, owner, group, out);
    }

    /** This descriptor with the parts of {@code from} that {@code info} names (SET_INFO security). */
    public SecurityDescriptor merge(SecurityDescriptor from, int info) {
        boolean dacl = (info & DACL_SECURITY_INFORMATION) != 0;
        // a DACL set without SE_DACL_PRESENT is a NULL DACL: present, with no ACL (as Windows and Samba);
        // SE_DACL_AUTO_INHERITED is kept only when the client also asked with SE_DACL_AUTO_INHERIT_REQ, which
        // itself is never kept (smb2.acls INHERITFLAGS); an owner or group change leaves the flags alone
        int daclFlags = SE_DACL_PRESENT | SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ;
        int autoInherit = SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ;
        int c = dacl ? from.control & SE_DACL_PROTECTED | control & ~daclFlags | SE_DACL_PRESENT
                | ((from.control & autoInherit) == autoInherit ? SE_DACL_AUTO_INHERITED : 0) : control;
        return new SecurityDescriptor(c,
                (info & OWNER_SECURITY_INFORMATION) != 0 && from.owner != null ? from.owner : owner,
                (info & GROUP_SECURITY_INFORMATION) != 0 && from.group != null ? from.group : group,
                dacl ? from.dacl : this.dacl);
    }
}
