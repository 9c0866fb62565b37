package io.swrap.smb.rpc.lsarpc;

import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;
import io.swrap.smb.rpc.ndr.NdrWriter;
import io.swrap.smb.rpc.ndr.Sid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LsarLookupNames (14) and LsarLookupSids (15) ([MS-LSAT] 3.1.4.8, 3.1.4.11) for the accounts of the
 * smbpasswd file: user {@code name} (or {@code NETBIOSNAME\name}) is SID {@code <domain SID>-<rid(uid)>}
 * ({@link RpcServer#rid}), SidTypeUser, in the one referenced domain, the server's account domain.
 */
final class LsaLookup {
    /** Names or SIDs one call may look up ([MS-LSAT]: LookupNames takes at most 1000). */
    static final int MAX_LOOKUPS = 1000;
    static final int SID_NAME_USER = 1;
    static final int SID_NAME_UNKNOWN = 8;
    static final int STATUS_SOME_NOT_MAPPED = 0x00000107;
    static final int STATUS_NONE_MAPPED = 0xC0000073;
    /** Samba's LSA_REF_DOMAIN_LIST_MULTIPLIER: max_size of the referenced domain list per domain. */
    private static final int REF_DOMAIN_MULTIPLIER = 32;

    private LsaLookup() {
    }

    /** One account found: its name and RID. */
    private record Account(String name, long rid) {
    }

    /** handle (already read), num_names, lsa_String names[], lsa_TransSidArray, level, count. */
    static byte[] lookupNames(RpcServer server, NdrReader in) throws NdrException, IOException {
        int n = count(in, "num_names");
        if (in.u32() != n) {
            throw new NdrException("names array max_count differs from num_names " + n);
        }
        boolean[] present = new boolean[n];
        for (int i = 0; i < n; i++) {
            in.u16();
            in.u16();
            present[i] = in.pointer();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(present[i] ? in.string() : "");
        }
        Map<String, Integer> users = server.users();
        Sid domain = server.domainSid();
        List<Account> found = new ArrayList<>();
        for (String name : names) {
            found.add(find(server, users, name));
        }
        long mapped = found.stream().filter(a -> a != null).count();
        NdrWriter w = new NdrWriter();
        domains(w, server, domain, mapped > 0);
        // lsa_TransSidArray: count, pointer, then lsa_TranslatedSid {sid_type u16, rid, sid_index}
        w.u32(n).pointer(n > 0);
        if (n > 0) {
            w.u32(n);
            for (Account a : found) {
                w.u16(a != null ? SID_NAME_USER : SID_NAME_UNKNOWN).u32(a != null ? a.rid() : 0)
                        .u32(a != null ? 0 : 0xFFFFFFFFL);
            }
        }
        return w.u32(mapped).u32(status(mapped, n)).toByteArray();
    }

    /** handle (already read), lsa_SidArray, lsa_TransNameArray, level, count. */
    static byte[] lookupSids(RpcServer server, NdrReader in) throws NdrException, IOException {
        int n = count(in, "num_sids");
        boolean array = in.pointer();
        List<Sid> sids = new ArrayList<>();
        if (array && n > 0) {
            if (in.u32() != n) {
                throw new NdrException("SID array max_count differs from num_sids " + n);
            }
            boolean[] present = new boolean[n];
            for (int i = 0; i < n; i++) {
                present[i] = in.pointer();
            }
            for (int i = 0; i < n; i++) {
                sids.add(present[i] ? in.sid() : null);
            }
        }
        Map<String, Integer> users = server.users();
        Sid domain = server.domainSid();
        List<Account> found = new ArrayList<>();
        for (Sid sid : sids) {
            Account hit = null;
            for (var u : users.entrySet()) {
                if (sid != null && sid.equals(domain.append(RpcServer.rid(u.getValue())))) {
                    hit = new Account(u.getKey(), RpcServer.rid(u.getValue()));
                    break;
                }
            }
            found.add(hit);
        }
        long mapped = found.stream().filter(a -> a != null).count();
        NdrWriter w = new NdrWriter();
        domains(w, server, domain, mapped > 0);
        // lsa_TransNameArray: count, pointer, then lsa_TranslatedName {sid_type u16, lsa_String name, sid_index}
        w.u32(found.size()).pointer(!found.isEmpty());
        if (!found.isEmpty()) {
            w.u32(found.size());
            for (Account a : found) {
                int len = a != null ? utf16(a.name()) : 0;
                w.u16(a != null ? SID_NAME_USER : SID_NAME_UNKNOWN).align(4).u16(len).u16(len).pointer(a != null)
                        .u32(a != null ? 0 : 0xFFFFFFFFL);
            }
            for (Account a : found) {
                if (a != null) {
                    w.counted(a.name(), utf16(a.name()));
                }
            }
        }
        return w.u32(mapped).u32(status(mapped, found.size())).toByteArray();
    }

    private static int count(NdrReader in, String what) throws NdrException {
        int n = in.u32Int(what);
        if (n > MAX_LOOKUPS) {
            throw new NdrException(what + " " + n + " is over " + MAX_LOOKUPS);
        }
        return n;
    }

    private static Account find(RpcServer server, Map<String, Integer> users, String requested) {
        String name = requested;
        int slash = name.indexOf('\\');
        if (slash >= 0) {
            String dom = name.substring(0, slash);
            if (!dom.equalsIgnoreCase(server.netbiosName())) {
                return null;
            }
            name = name.substring(slash + 1);
        }
        for (var u : users.entrySet()) {
            if (u.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return new Account(u.getKey(), RpcServer.rid(u.getValue()));
            }
        }
        return null;
    }

    /** [out] lsa_RefDomainList **domains: the server's account domain when anything was found. */
    private static void domains(NdrWriter w, RpcServer server, Sid domain, boolean any) {
        int count = any ? 1 : 0;
        w.pointer(true).u32(count).pointer(any).u32((long) REF_DOMAIN_MULTIPLIER * count);
        if (any) {
            int len = utf16(server.netbiosName());
            w.u32(1).u16(len).u16(len + 2).pointer(true).pointer(true);
            w.counted(server.netbiosName(), len + 2);
            w.sid(domain);
        }
    }

    private static int status(long mapped, int total) {
        return mapped == total ? 0 : mapped == 0 ? STATUS_NONE_MAPPED : STATUS_SOME_NOT_MAPPED;
    }

    private static int utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE).length;
    }
}
