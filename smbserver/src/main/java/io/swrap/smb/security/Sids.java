package io.swrap.smb.security;

import io.swrap.smb.rpc.ndr.Sid;

/** The well-known SIDs ([MS-DTYP] 2.4.2.4) the server's descriptors and tokens use. */
public final class Sids {
    public static final Sid EVERYONE = Sid.parse("S-1-1-0");
    public static final Sid CREATOR_OWNER = Sid.parse("S-1-3-0");
    public static final Sid CREATOR_GROUP = Sid.parse("S-1-3-1");
    /** OWNER RIGHTS: an ACE for it replaces the owner's implicit READ_CONTROL and WRITE_DAC. */
    public static final Sid OWNER_RIGHTS = Sid.parse("S-1-3-4");
    public static final Sid NETWORK = Sid.parse("S-1-5-2");
    public static final Sid AUTHENTICATED_USERS = Sid.parse("S-1-5-11");
    public static final Sid SYSTEM = Sid.parse("S-1-5-18");
    /** The RID of a domain's "Domain Users" group, Samba's "None" on a stand-alone server: new files' group. */
    public static final long DOMAIN_USERS_RID = 513;

    private Sids() {
    }

    /** Samba's SID of a unix user without an account: S-1-22-1-uid. */
    public static Sid unixUser(int uid) {
        return new Sid(22, new long[] {1, Integer.toUnsignedLong(uid)});
    }

    /** Samba's SID of a unix group: S-1-22-2-gid. */
    public static Sid unixGroup(int gid) {
        return new Sid(22, new long[] {2, Integer.toUnsignedLong(gid)});
    }
}
