package io.swrap.smb.rpc.ndr;

import java.util.Arrays;

/** A security identifier ([MS-DTYP] 2.4.2): S-1-authority-sub-sub-... (revision 1). */
public record Sid(long authority, long[] subAuthorities) {
    /** SID_MAX_SUB_AUTHORITIES. */
    public static final int MAX_SUB_AUTHORITIES = 15;

    public Sid {
        subAuthorities = subAuthorities.clone();
        if (subAuthorities.length > MAX_SUB_AUTHORITIES) {
            throw new IllegalArgumentException("SID with " + subAuthorities.length + " sub-authorities (max 15)");
        }
    }

    @Override
    public long[] subAuthorities() {
        return subAuthorities.clone();
    }

    /** This SID with {@code rid} appended (a domain SID → an account's SID). */
    public Sid append(long rid) {
        long[] s = Arrays.copyOf(subAuthorities, subAuthorities.length + 1);
        s[s.length - 1] = rid;
        return new Sid(authority, s);
    }

    /** Parses "S-1-5-21-1-2-3". */
    public static Sid parse(String text) {
        String[] p = text.strip().split("-");
        if (p.length < 3 || !p[0].equalsIgnoreCase("S") || !p[1].equals("1")) {
            throw new IllegalArgumentException("'" + text + "' is not a SID (expected: S-1-AUTHORITY-SUB...)");
        }
        long[] subs = new long[p.length - 3];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = Long.parseUnsignedLong(p[i + 3]);
            if (subs[i] > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("'" + text + "': sub-authority " + p[i + 3] + " is over 32 bits");
            }
        }
        return new Sid(Long.parseLong(p[2]), subs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("S-1-").append(authority);
        for (long s : subAuthorities) {
            sb.append('-').append(s);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sid s && s.authority == authority && Arrays.equals(s.subAuthorities, subAuthorities);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(authority) * 31 + Arrays.hashCode(subAuthorities);
    }
}
