package io.swrap.smb.security;

import io.swrap.smb.rpc.ndr.Sid;
import java.util.Set;

/**
 * Whom a session acts for: the user's SID, the SID its new files get as group, and every SID an ACE may name to
 * apply to it (the user, Domain Users, Everyone, Authenticated Users, Network, as Samba's token of an smbpasswd
 * user).
 */
public record Token(Sid user, Sid primaryGroup, Set<Sid> sids) {
    public Token {
        sids = Set.copyOf(sids);
    }

    /** The token of the smbpasswd user with {@code uid} in domain {@code domain}. */
    public static Token of(Sid domain, long rid) {
        Sid user = domain.append(rid);
        Sid group = domain.append(Sids.DOMAIN_USERS_RID);
        return new Token(user, group, Set.of(user, group, Sids.EVERYONE, Sids.AUTHENTICATED_USERS, Sids.NETWORK));
    }
}
