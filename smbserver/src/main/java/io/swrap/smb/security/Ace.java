package io.swrap.smb.security;

import io.swrap.smb.rpc.ndr.Sid;

/**
 * An access control entry ([MS-DTYP] 2.4.4): AceType, AceFlags, the access mask and the trustee. Only
 * ACCESS_ALLOWED and ACCESS_DENIED take part in access checks; other types are kept as they came and skipped.
 */
public record Ace(int type, int flags, int mask, Sid sid) {
    public static final int ACCESS_ALLOWED = 0;
    public static final int ACCESS_DENIED = 1;
    public static final int OBJECT_INHERIT = 0x01;
    public static final int CONTAINER_INHERIT = 0x02;
    public static final int NO_PROPAGATE_INHERIT = 0x04;
    public static final int INHERIT_ONLY = 0x08;
    public static final int INHERITED = 0x10;

    public boolean inheritOnly() {
        return (flags & INHERIT_ONLY) != 0;
    }
}
