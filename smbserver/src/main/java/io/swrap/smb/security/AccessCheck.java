package io.swrap.smb.security;

/**
 * The access a token has to an object under its descriptor, as [MS-DTYP] 2.5.3.2 walks a DACL: ACEs in order,
 * inherit-only ones skipped, a denied bit stays denied once an earlier ACE denied it and an allowed one stays
 * granted. No DACL grants everything; the owner has READ_CONTROL and WRITE_DAC unless an OWNER RIGHTS ACE says
 * what the owner has instead (it applies to the owner only); FILE_READ_ATTRIBUTES is
 * always granted (Samba grants it from the parent directory's listing right, which every share path has).
 */
public final class AccessCheck {
    public static final int FILE_READ_ATTRIBUTES = 0x00000080;
    public static final int READ_CONTROL = 0x00020000;
    public static final int WRITE_DAC = 0x00040000;
    public static final int WRITE_OWNER = 0x00080000;
    /** Every specific and standard right of a file ([MS-FSCC] FILE_ALL_ACCESS). */
    public static final int FILE_ALL_ACCESS = 0x001F01FF;

    private AccessCheck() {
    }

    /** The rights {@code token} is granted on an object with descriptor {@code sd} (its "maximum allowed"). */
    public static int maximal(SecurityDescriptor sd, Token token) {
        if (sd.dacl() == null) {
            return FILE_ALL_ACCESS;
        }
        int granted = 0;
        int denied = 0;
        boolean owner = sd.owner() != null && token.sids().contains(sd.owner());
        boolean ownerRights = false;
        for (Ace a : sd.dacl()) {
            if (a.inheritOnly()) {
                continue;
            }
            boolean rights = a.sid().equals(Sids.OWNER_RIGHTS);
            ownerRights |= rights;
            if (rights ? !owner : !token.sids().contains(a.sid())) {
                continue;
            }
            int mask = mapGeneric(a.mask());
            if (a.type() == Ace.ACCESS_ALLOWED) {
                granted |= mask & ~denied;
            } else if (a.type() == Ace.ACCESS_DENIED) {
                denied |= mask & ~granted;
            }
        }
        if (owner && !ownerRights) {
            granted |= READ_CONTROL | WRITE_DAC;
        }
        return (granted | FILE_READ_ATTRIBUTES) & FILE_ALL_ACCESS;
    }

    /** An ACE's GENERIC_* bits as the file rights they stand for ([MS-FSCC] 2.1 generic mapping). */
    public static int mapGeneric(int mask) {
        int m = mask & 0x0FFFFFFF;
        if ((mask & 0x80000000) != 0) {
            m |= 0x00120089;
        }
        if ((mask & 0x40000000) != 0) {
            m |= 0x00120116;
        }
        if ((mask & 0x20000000) != 0) {
            m |= 0x001200A0;
        }
        if ((mask & 0x10000000) != 0) {
            m |= FILE_ALL_ACCESS;
        }
        return m;
    }
}
