package io.swrap.smb.rpc.ndr;

import java.nio.charset.StandardCharsets;

/**
 * NDR 2.0 unmarshalling of a request stub (see {@link NdrWriter}); every length the peer sends is
 * checked against the bytes left and against {@link #MAX_STRING_CHARS} before anything is allocated.
 */
public final class NdrReader {
    /** The longest string a request may carry (UTF-16 code units, NUL included): names and paths only. */
    public static final int MAX_STRING_CHARS = 4096;

    private final byte[] buf;
    private int pos;

    public NdrReader(byte[] stub) {
        this.buf = stub;
    }

    public NdrReader align(int n) throws NdrException {
        int p = (pos + n - 1) / n * n;
        need(p - pos);
        pos = p;
        return this;
    }

    private void need(int n) throws NdrException {
        if (n < 0 || buf.length - pos < n) {
            throw new NdrException("stub ends at byte " + buf.length + ", " + n + " more needed at offset " + pos);
        }
    }

    public int u8() throws NdrException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() throws NdrException {
        align(2);
        need(2);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public long u32() throws NdrException {
        align(4);
        need(4);
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = v << 8 | (buf[pos + i] & 0xFF);
        }
        pos += 4;
        return v;
    }

    /** A u32 that must fit an int (levels, counts): larger values are malformed here. */
    public int u32Int(String what) throws NdrException {
        long v = u32();
        if (v > Integer.MAX_VALUE) {
            throw new NdrException(what + " " + v + " is out of range");
        }
        return (int) v;
    }

    public byte[] bytes(int n) throws NdrException {
        need(n);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** A unique pointer's referent id: true when the pointee follows. */
    public boolean pointer() throws NdrException {
        return u32() != 0;
    }

    /** A conformant varying UTF-16 string; a trailing NUL is dropped. */
    public String string() throws NdrException {
        long max = u32();
        long offset = u32();
        long actual = u32();
        if (offset != 0 || actual > max || actual > MAX_STRING_CHARS) {
            throw new NdrException("string with max_count " + max + ", offset " + offset + ", actual_count "
                    + actual + " (expected: offset 0, actual <= max <= " + MAX_STRING_CHARS + ")");
        }
        String s = new String(bytes((int) actual * 2), StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** A {@code [unique, string] wchar_t *}: null when the pointer is NULL. */
    public String uniqueString() throws NdrException {
        return pointer() ? string() : null;
    }

    /** A dom_sid2: the conformance (SubAuthorityCount), then the SID ([MS-DTYP] 2.4.2.3). */
    public Sid sid() throws NdrException {
        long conformance = u32();
        int revision = u8();
        int count = u8();
        if (revision != 1 || count != conformance || count > Sid.MAX_SUB_AUTHORITIES) {
            throw new NdrException("SID with revision " + revision + ", " + count + " sub-authorities, conformance "
                    + conformance + " (expected: revision 1, at most 15, equal)");
        }
        long authority = 0;
        for (int i = 0; i < 6; i++) {
            authority = authority << 8 | u8();
        }
        long[] subs = new long[count];
        for (int i = 0; i < count; i++) {
            subs[i] = u32();
        }
        return new Sid(authority, subs);
    }
}
