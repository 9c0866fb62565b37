package io.swrap.smb.rpc.lsarpc;

import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.rpc.ndr.Sid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names LsarLookupNames/LsarLookupSids know, spelt as Samba 4.17's smbd answers them (smbcacls shows
 * {@code Everyone}, {@code Creator Owner}, {@code NT Authority\SYSTEM}, {@code BUILTIN\Administrators},
 * {@code SERVER\tester}, {@code SERVER\None}, {@code Unix User\tester}): the well-known SIDs of [MS-DTYP] 2.4.2.4 in
 * their domains (the World, Local and Creator authorities have the empty name), the BUILTIN aliases, and the
 * accounts of the smbpasswd file with the server's account domain. Names are matched ignoring case, with or
 * without their domain.
 */
final class AccountNames {
    static final int SID_NAME_USER = 1;
    static final int SID_NAME_DOM_GRP = 2;
    static final int SID_NAME_ALIAS = 4;
    static final int SID_NAME_WKN_GRP = 5;
    /** The RID of the account domain's "None" group, the primary group of the server's users. */
    static final long NONE_RID = 513;

    /** A referenced domain: its SID and name (possibly empty). */
    record Domain(Sid sid, String name) {
    }

    /** One name found: its domain, its RID in that domain, the account's own name and its SID_NAME_USE. */
    record Named(Domain domain, long rid, String name, int type) {
        Sid sid() {
            return domain.sid().append(rid);
        }
    }

    private static final Domain WORLD = new Domain(Sid.parse("S-1-1"), "");
    private static final Domain LOCAL = new Domain(Sid.parse("S-1-2"), "");
    private static final Domain CREATOR = new Domain(Sid.parse("S-1-3"), "");
    private static final Domain NT_AUTHORITY = new Domain(Sid.parse("S-1-5"), "NT Authority");
    private static final Domain BUILTIN = new Domain(Sid.parse("S-1-5-32"), "BUILTIN");
    private static final Domain UNIX_USER = new Domain(Sid.parse("S-1-22-1"), "Unix User");

    private static final List<Named> WELL_KNOWN = List.of(
            wkn(WORLD, 0, "Everyone"),
            wkn(LOCAL, 0, "Local"), wkn(LOCAL, 1, "Console Logon"),
            wkn(CREATOR, 0, "Creator Owner"), wkn(CREATOR, 1, "Creator Group"),
            wkn(CREATOR, 2, "Creator Owner Server"), wkn(CREATOR, 3, "Creator Group Server"),
            wkn(CREATOR, 4, "Owner Rights"),
            wkn(NT_AUTHORITY, 1, "Dialup"), wkn(NT_AUTHORITY, 2, "Network"), wkn(NT_AUTHORITY, 3, "Batch"),
            wkn(NT_AUTHORITY, 4, "Interactive"), wkn(NT_AUTHORITY, 6, "Service"),
            wkn(NT_AUTHORITY, 7, "Anonymous Logon"), wkn(NT_AUTHORITY, 8, "Proxy"),
            wkn(NT_AUTHORITY, 9, "Enterprise Domain Controllers"), wkn(NT_AUTHORITY, 10, "Self"),
            wkn(NT_AUTHORITY, 11, "Authenticated Users"), wkn(NT_AUTHORITY, 12, "Restricted"),
            wkn(NT_AUTHORITY, 13, "Terminal Server User"), wkn(NT_AUTHORITY, 14, "Remote Interactive Logon"),
            wkn(NT_AUTHORITY, 15, "This Organization"), wkn(NT_AUTHORITY, 18, "SYSTEM"),
            wkn(NT_AUTHORITY, 19, "Local Service"), wkn(NT_AUTHORITY, 20, "Network Service"),
            alias(544, "Administrators"), alias(545, "Users"), alias(546, "Guests"), alias(547, "Power Users"),
            alias(548, "Account Operators"), alias(549, "Server Operators"), alias(550, "Print Operators"),
            alias(551, "Backup Operators"), alias(552, "Replicator"), alias(553, "RAS Servers"),
            alias(554, "Pre-Windows 2000 Compatible Access"));

    private final List<Named> all;

    private AccountNames(List<Named> all) {
        this.all = all;
    }

    private static Named wkn(Domain d, long rid, String name) {
        return new Named(d, rid, name, SID_NAME_WKN_GRP);
    }

    private static Named alias(long rid, String name) {
        return new Named(BUILTIN, rid, name, SID_NAME_ALIAS);
    }

    /** The table for {@code server}: the well-known names, then its accounts as they are in smbpasswd now. */
    static AccountNames of(RpcServer server) throws IOException {
        Domain account = new Domain(server.domainSid(), server.netbiosName());
        List<Named> all = new ArrayList<>(WELL_KNOWN);
        all.add(new Named(account, NONE_RID, "None", SID_NAME_DOM_GRP));
        for (Map.Entry<String, Integer> u : server.users().entrySet()) {
            all.add(new Named(account, RpcServer.rid(u.getValue()), u.getKey(), SID_NAME_USER));
            all.add(new Named(UNIX_USER, Integer.toUnsignedLong(u.getValue()), u.getKey(), SID_NAME_USER));
        }
        return new AccountNames(all);
    }

    /**
     * The name {@code requested} ("name" or "DOMAIN\name"), or null. An unqualified name is the first in
     * table order, so "tester" is the account, not the Unix User of the same name (as Samba).
     */
    Named byName(String requested) {
        int slash = requested.indexOf('\\');
        String dom = slash >= 0 ? requested.substring(0, slash).toLowerCase(Locale.ROOT) : null;
        String name = requested.substring(slash + 1).toLowerCase(Locale.ROOT);
        for (Named n : all) {
            if (n.name().toLowerCase(Locale.ROOT).equals(name)
                    && (dom == null || n.domain().name().toLowerCase(Locale.ROOT).equals(dom))) {
                return n;
            }
        }
        return null;
    }

    /** The name of {@code sid}, or null. */
    Named bySid(Sid sid) {
        for (Named n : all) {
            if (n.sid().equals(sid)) {
                return n;
            }
        }
        return null;
    }
}
