package io.swrap.smb.rpc.ndr;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * NDR 2.0 (transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 v2, [C706] ch. 14) marshalling, little
 * endian, 32-bit pointers: primitives aligned to their size relative to the start of the stub, unique
 * pointers as non-zero referent ids, strings as conformant varying UTF-16 arrays. Embedded pointees are
 * written by the caller after the fixed part of the structure or array that points to them, as NDR defers
 * them.
 */
public final class NdrWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int nextReferent;

    /** A writer whose first referent id is 0x00020000. */
    public NdrWriter() {
        this(0);
    }

    /**
     * @param skippedReferents referent ids Samba's marshalling uses up before the first pointer of this call
     *     (cosmetic: peers do not interpret referent ids; it lets answers be compared byte for byte with Samba's)
     */
    public NdrWriter(int skippedReferents) {
        nextReferent = 0x00020000 + 4 * skippedReferents;
    }

    public NdrWriter align(int n) {
        while (out.size() % n != 0) {
            out.write(0);
        }
        return this;
    }

    public NdrWriter u8(int v) {
        out.write(v);
        return this;
    }

    public NdrWriter u16(int v) {
        align(2);
        out.write(v);
        out.write(v >>> 8);
        return this;
    }

    public NdrWriter u32(long v) {
        align(4);
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public NdrWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** A unique or full pointer: a fresh referent id when {@code present}, else NULL (0). */
    public NdrWriter pointer(boolean present) {
        if (!present) {
            return u32(0);
        }
        int id = nextReferent;
        nextReferent += 4; // as Samba numbers them: 0x00020000, 0x00020004, ...
        return u32(id);
    }

    /**
     * A {@code [string] wchar_t *} pointee: conformant varying array of UTF-16 code units with the
     * terminating NUL (max_count = actual_count = length + 1, offset 0).
     */
    public NdrWriter string(String s) {
        byte[] chars = s.getBytes(StandardCharsets.UTF_16LE);
        int n = chars.length / 2 + 1;
        u32(n).u32(0).u32(n);
        bytes(chars);
        return u16(0);
    }

    /**
     * The pointee of an LSA/RPC_UNICODE_STRING ({@code [size_is(size/2), length_is(length/2)] uint16 *}):
     * no terminating NUL, max_count = size/2.
     */
    public NdrWriter counted(String s, int sizeBytes) {
        byte[] chars = s.getBytes(StandardCharsets.UTF_16LE);
        u32(sizeBytes / 2).u32(0).u32(chars.length / 2);
        return bytes(chars);
    }

    /** RPC_SID as a conformant structure: max_count = SubAuthorityCount, then the SID ([MS-DTYP] 2.4.2.3). */
    public NdrWriter sid(Sid sid) {
        u32(sid.subAuthorities().length);
        u8(1).u8(sid.subAuthorities().length);
        for (int i = 5; i >= 0; i--) {
            u8((int) (sid.authority() >>> (8 * i)));
        }
        for (long sub : sid.subAuthorities()) {
            u32(sub);
        }
        return this;
    }


    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
