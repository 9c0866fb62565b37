package io.swrap.smb.security;

import io.swrap.smb.rpc.ndr.Sid;
import java.util.ArrayList;
import java.util.List;

/**
 * The DACL a new file or directory inherits from its parent's ([MS-DTYP] 2.5.3.4.2, as Samba's
 * se_create_child_secdesc): a file takes the object-inherit ACEs, a directory the container-inherit ones (and the
 * object-inherit ones as inherit-only, for its files); CREATOR OWNER and CREATOR GROUP become the new owner and
 * group and GENERIC_* bits become file rights, a directory keeping the original as inherit-only for its children;
 * NO_PROPAGATE stops at the child.
 */
public final class Inheritance {
    private static final int INHERIT_FLAGS = Ace.OBJECT_INHERIT | Ace.CONTAINER_INHERIT | Ace.NO_PROPAGATE_INHERIT
            | Ace.INHERIT_ONLY;

    private Inheritance() {
    }

    /** The inherited DACL, or null when the parent has nothing to inherit (the caller then uses its default). */
    public static List<Ace> child(SecurityDescriptor parent, Sid owner, Sid group, boolean directory) {
        if (parent.dacl() == null) {
            return null;
        }
        List<Ace> out = new ArrayList<>();
        // below an auto-inherited descriptor the inherited ACEs are marked as such ([MS-DTYP] 2.5.3.4.1)
        int mark = (parent.control() & SecurityDescriptor.SE_DACL_AUTO_INHERITED) != 0 ? Ace.INHERITED : 0;
        for (Ace a : parent.dacl()) {
            boolean oi = (a.flags() & Ace.OBJECT_INHERIT) != 0;
            boolean ci = (a.flags() & Ace.CONTAINER_INHERIT) != 0;
            boolean np = (a.flags() & Ace.NO_PROPAGATE_INHERIT) != 0;
            if (!directory) {
                if (oi) {
                    out.add(new Ace(a.type(), 0, AccessCheck.mapGeneric(a.mask()), creator(a.sid(), owner, group)));
                }
                continue;
            }
            if (ci) {
                Sid sid = creator(a.sid(), owner, group);
                boolean generic = AccessCheck.mapGeneric(a.mask()) != a.mask();
                if (sid.equals(a.sid()) && (np || !generic)) {
                    out.add(new Ace(a.type(), np ? 0 : a.flags() & ~Ace.INHERIT_ONLY & INHERIT_FLAGS,
                            AccessCheck.mapGeneric(a.mask()), sid));
                } else {
                    // the directory's own ACE (mapped), and the original passed on to its children
                    out.add(new Ace(a.type(), 0, AccessCheck.mapGeneric(a.mask()), sid));
                    if (!np) {
                        out.add(new Ace(a.type(), a.flags() & INHERIT_FLAGS | Ace.INHERIT_ONLY, a.mask(), a.sid()));
                    }
                }
            } else if (oi && !np) {
                out.add(new Ace(a.type(), a.flags() & INHERIT_FLAGS | Ace.INHERIT_ONLY, a.mask(), a.sid()));
            }
        }
        if (mark != 0) {
            out.replaceAll(a -> new Ace(a.type(), a.flags() | mark, a.mask(), a.sid()));
        }
        return out.isEmpty() ? null : out;
    }

    private static Sid creator(Sid sid, Sid owner, Sid group) {
        if (sid.equals(Sids.CREATOR_OWNER)) {
            return owner;
        }
        if (sid.equals(Sids.CREATOR_GROUP)) {
            return group;
        }
        return sid;
    }
}
