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

/**
 * LsarLookupNames (14) and LsarLookupSids (15) ([MS-LSAT] 3.1.4.8, 3.1.4.11) for the names {@link AccountNames}
 * knows: the smbpasswd accounts (user {@code name} or {@code NETBIOSNAME\name} is SID {@code <domain SID>-<rid(uid)>},
 * {@link RpcServer#rid}), the well-known SIDs and the BUILTIN aliases, each in its referenced domain (listed once,
 * in order of first use).
 */
final class LsaLookup {
    /** Names or SIDs one call may look up ([MS-LSAT]: LookupNames takes at most 1000). */
    static final int MAX_LOOKUPS = 1000;
    static final int SID_NAME_UNKNOWN = 8;
    static final int STATUS_SOME_NOT_MAPPED = 0x00000107;
    static final int STATUS_NONE_MAPPED = 0xC0000073;
    /** Samba's LSA_REF_DOMAIN_LIST_MULTIPLIER: max_size of the referenced domain list per domain. */
    private static final int REF_DOMAIN_MULTIPLIER = 32;

    private LsaLookup() {
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
        AccountNames table = AccountNames.of(server);
        List<AccountNames.Named> found = new ArrayList<>();
        for (String name : names) {
            found.add(table.byName(name));
        }
        List<AccountNames.Domain> domains = domains(found);
        long mapped = found.stream().filter(a -> a != null).count();
        NdrWriter w = new NdrWriter();
        domains(w, domains);
        // lsa_TransSidArray: count, pointer, then lsa_TranslatedSid {sid_type u16, rid, sid_index}
        w.u32(n).pointer(n > 0);
        if (n > 0) {
            w.u32(n);
            for (AccountNames.Named a : found) {
                w.u16(a != null ? a.type() : SID_NAME_UNKNOWN).u32(a != null ? a.rid() : 0)
                        .u32(a != null ? domains.indexOf(a.domain()) : 0xFFFFFFFFL);
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
        AccountNames table = AccountNames.of(server);
        List<AccountNames.Named> found = new ArrayList<>();
        for (Sid sid : sids) {
            found.add(sid == null ? null : table.bySid(sid));
        }
        List<AccountNames.Domain> domains = domains(found);
        long mapped = found.stream().filter(a -> a != null).count();
        NdrWriter w = new NdrWriter();
        domains(w, domains);
        // lsa_TransNameArray: count, pointer, then lsa_TranslatedName {sid_type u16, lsa_String name, sid_index}
        w.u32(found.size()).pointer(!found.isEmpty());
        if (!found.isEmpty()) {
            w.u32(found.size());
            for (AccountNames.Named a : found) {
                int len = a != null ? utf16(a.name()) : 0;
                w.u16(a != null ? a.type() : SID_NAME_UNKNOWN).align(4).u16(len).u16(len).pointer(a != null)
                        .u32(a != null ? domains.indexOf(a.domain()) : 0xFFFFFFFFL);
            }
            for (AccountNames.Named a : found) {
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

    /** The domains of what was found, each once, in order of first use: their indexes are the sid_index values. */
    private static List<AccountNames.Domain> domains(List<AccountNames.Named> found) {
        List<AccountNames.Domain> out = new ArrayList<>();
        for (AccountNames.Named a : found) {
            if (a != null && !out.contains(a.domain())) {
                out.add(a.domain());
            }
        }
        return out;
    }

    /** [out] lsa_RefDomainList **domains: count, lsa_DomainInfo {lsa_StringLarge name, dom_sid2 *sid}[count]. */
    private static void domains(NdrWriter w, List<AccountNames.Domain> domains) {
        int count = domains.size();
        w.pointer(true).u32(count).pointer(count > 0).u32((long) REF_DOMAIN_MULTIPLIER * count);
        if (count > 0) {
            w.u32(count);
            for (AccountNames.Domain d : domains) {
                int len = utf16(d.name());
                w.u16(len).u16(len + 2).pointer(true).pointer(true);
            }
            for (AccountNames.Domain d : domains) {
                w.counted(d.name(), utf16(d.name()) + 2);
                w.sid(d.sid());
            }
        }
    }

    private static int status(long mapped, int total) {
        return mapped == total ? 0 : mapped == 0 ? STATUS_NONE_MAPPED : STATUS_SOME_NOT_MAPPED;
    }

    private static int utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE).length;
    }
}
