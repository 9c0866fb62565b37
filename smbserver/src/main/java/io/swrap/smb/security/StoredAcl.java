package io.swrap.smb.security;

import io.swrap.smb.vfs.Errno;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.util.List;

/**
 * A file's NT security descriptor, kept as Samba's acl_xattr keeps it: the self-relative descriptor in an extended
 * attribute of the file, read and written on the open object's descriptor. The attribute is {@code
 * user.swrap.ntacl} with the bare descriptor, not Samba's {@code security.NTACL}: the security namespace needs
 * CAP_SYS_ADMIN and Samba's NDR wrapper carries a hash of POSIX ACLs this server does not keep. A file without one
 * (made outside the server, or before it kept descriptors) gets {@link #fallback}.
 */
public final class StoredAcl {
    static final String NAME = "user.swrap.ntacl";
    /** Samba's FULL and READ as smbcacls names them. */
    private static final int FULL = AccessCheck.FILE_ALL_ACCESS;
    private static final int READ = 0x001200A9;

    private StoredAcl() {
    }

    /** The stored descriptor of {@code h}, or null when there is none (or the file system keeps no xattrs). */
    public static SecurityDescriptor read(Vfs.Handle h) throws VfsException {
        byte[] v = h.getXattr(NAME, SecurityDescriptor.MAX_SIZE + 1);
        if (v == null) {
            return null;
        }
        try {
            return SecurityDescriptor.parse(v);
        } catch (InvalidSecurityDescriptorException e) {
            throw new VfsException(Errno.EINVAL, "getxattr " + NAME, e.getMessage()
                    + " (remove the attribute with setfattr -x " + NAME + ")");
        }
    }

    /** The stored descriptor of {@code h}, or its fallback. */
    public static SecurityDescriptor of(Vfs.Handle h) throws VfsException {
        SecurityDescriptor sd = read(h);
        return sd != null ? sd : fallback(FileInfo.of(h));
    }

    /** Stores {@code sd} for {@code h}; false when the file system keeps no user xattrs. */
    public static boolean write(Vfs.Handle h, SecurityDescriptor sd) throws VfsException {
        return h.setXattr(NAME, sd.encode(SecurityDescriptor.OWNER_SECURITY_INFORMATION
                | SecurityDescriptor.GROUP_SECURITY_INFORMATION | SecurityDescriptor.DACL_SECURITY_INFORMATION));
    }

    /**
     * What a file without a stored descriptor shows: what Samba derives from mode 0777 (owner, group and Everyone
     * FULL; a directory also passes CREATOR OWNER FULL, CREATOR GROUP READ and Everyone READ on to what is made in
     * it). The server does not change users, so every client always had full access to such files: this keeps
     * that, and new files get what Samba gives them.
     */
    public static SecurityDescriptor fallback(FileInfo f) {
        var owner = Sids.unixUser(f.uid());
        var group = Sids.unixGroup(f.gid());
        List<Ace> dacl = new java.util.ArrayList<>(List.of(new Ace(Ace.ACCESS_ALLOWED, 0, FULL, owner),
                new Ace(Ace.ACCESS_ALLOWED, 0, FULL, group), new Ace(Ace.ACCESS_ALLOWED, 0, FULL, Sids.EVERYONE)));
        if (f.directory()) {
            int inherit = Ace.OBJECT_INHERIT | Ace.CONTAINER_INHERIT | Ace.INHERIT_ONLY;
            dacl.add(new Ace(Ace.ACCESS_ALLOWED, inherit, FULL, Sids.CREATOR_OWNER));
            dacl.add(new Ace(Ace.ACCESS_ALLOWED, inherit, READ, Sids.CREATOR_GROUP));
            dacl.add(new Ace(Ace.ACCESS_ALLOWED, inherit, READ, Sids.EVERYONE));
        }
        return new SecurityDescriptor(SecurityDescriptor.SE_DACL_PRESENT | SecurityDescriptor.SE_SELF_RELATIVE,
                owner, group, dacl);
    }

    /**
     * The descriptor of an object {@code token}'s user creates in a directory with descriptor {@code parent}:
     * owned by the user, group Domain Users, the DACL inherited, or (nothing to inherit) the user FULL, the group
     * and Everyone READ, as Samba.
     */
    public static SecurityDescriptor forNew(SecurityDescriptor parent, Token token, boolean directory) {
        List<Ace> dacl = Inheritance.child(parent, token.user(), token.primaryGroup(), directory);
        int control = SecurityDescriptor.SE_DACL_PRESENT | SecurityDescriptor.SE_SELF_RELATIVE;
        if (dacl != null) {
            control |= parent.control() & SecurityDescriptor.SE_DACL_AUTO_INHERITED;
        } else {
            dacl = List.of(new Ace(Ace.ACCESS_ALLOWED, 0, FULL, token.user()),
                    new Ace(Ace.ACCESS_ALLOWED, 0, READ, token.primaryGroup()),
                    new Ace(Ace.ACCESS_ALLOWED, 0, READ, Sids.EVERYONE));
        }
        return new SecurityDescriptor(control, token.user(), token.primaryGroup(), dacl);
    }
}
