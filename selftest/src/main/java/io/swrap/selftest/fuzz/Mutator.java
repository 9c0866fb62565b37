package io.swrap.selftest.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of a {@link Pdu}, all decided by the case's random source: a boundary value in a
 * length/offset/count field (0, all ones, off by one, the sign bit, the message's length and one past it),
 * bit flips, truncation, extension, a header field of a member, a compound chain's NextCommand or RELATED
 * flag or a member's ProtocolId, and a chunk copied over another place.
 */
public final class Mutator {
    /** What was done, and whether it touched a header (then the caller must not renumber it afterwards). */
    public record Mutation(byte[] bytes, String description, boolean header) {
    }

    private Mutator() {
    }

    public static Mutation mutate(Pdu p, SplittableRandom r) {
        byte[] b = p.bytes().clone();
        int kind = r.nextInt(100);
        if (kind < 38 && !p.fields().isEmpty()) {
            Pdu.Field f = p.fields().get(r.nextInt(p.fields().size()));
            if (f.offset() + f.size() > b.length) {
                return new Mutation(b, "field beyond the end: none", false);
            }
            long v = boundary(b, f, r);
            put(b, f.offset(), f.size(), v);
            return new Mutation(b, "field@" + f.offset() + "/" + f.size() + "=0x" + Long.toHexString(v),
                    isHeader(p, f.offset()));
        }
        if (kind < 62) {
            int flips = 1 + r.nextInt(4);
            boolean anywhere = r.nextInt(10) == 0;
            StringBuilder d = new StringBuilder("bitflips");
            boolean header = false;
            for (int i = 0; i < flips && b.length > 0; i++) {
                int lo = anywhere || b.length <= 64 ? 0 : 64;
                int at = lo + r.nextInt(b.length - lo);
                int bit = r.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                d.append(' ').append(at).append('.').append(bit);
                header |= isHeader(p, at);
            }
            return new Mutation(b, d.toString(), header);
        }
        if (kind < 72) {
            int len = r.nextBoolean() && b.length > 64 ? 64 + r.nextInt(b.length - 64) : r.nextInt(Math.max(1, b.length));
            return new Mutation(Arrays.copyOf(b, len), "truncate to " + len, len < 64);
        }
        if (kind < 80) {
            int extra = 1 + r.nextInt(r.nextBoolean() ? 16 : 1024);
            byte[] e = Arrays.copyOf(b, b.length + extra);
            if (r.nextBoolean()) {
                byte[] tail = new byte[extra];
                r.nextBytes(tail);
                System.arraycopy(tail, 0, e, b.length, extra);
            }
            return new Mutation(e, "extend by " + extra, false);
        }
        if (kind < 90 && b.length >= 64) {
            int m = p.members()[r.nextInt(p.members().length)];
            int[][] headerFields = {{4, 2}, {6, 2}, {12, 2}, {14, 2}, {16, 4}, {20, 4}, {24, 8}, {32, 4}, {36, 4}, {40, 8}};
            int[] hf = headerFields[r.nextInt(headerFields.length)];
            Pdu.Field f = new Pdu.Field(m + hf[0], hf[1]);
            if (f.offset() + f.size() > b.length) {
                return new Mutation(b, "header field beyond the end: none", false);
            }
            long v = boundary(b, f, r);
            put(b, f.offset(), f.size(), v);
            return new Mutation(b, "header@" + f.offset() + "/" + f.size() + "=0x" + Long.toHexString(v), true);
        }
        if (kind < 95 && p.members().length > 1) {
            int i = r.nextInt(p.members().length);
            int m = p.members()[i];
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            switch (r.nextInt(3)) {
                case 0 -> {
                    int[] nexts = {0, 1, 8, 64, b.length - m, b.length - m + 8, -8, 0x7FFFFFF8, 8 * r.nextInt(64)};
                    int v = nexts[r.nextInt(nexts.length)];
                    bb.putInt(m + 20, v);
                    return new Mutation(b, "NextCommand of member " + i + " = " + v, true);
                }
                case 1 -> {
                    bb.putInt(m + 16, bb.getInt(m + 16) ^ 0x4);
                    return new Mutation(b, "RELATED toggled on member " + i, true);
                }
                default -> {
                    bb.putInt(m, 0x424D53FF);
                    return new Mutation(b, "ProtocolId of member " + i + " = 0xFF'SMB'", true);
                }
            }
        }
        if (b.length > 8) {
            int len = 1 + r.nextInt(Math.min(64, b.length / 2));
            int from = r.nextInt(b.length - len);
            int to = r.nextInt(b.length - len);
            System.arraycopy(b, from, b, to, len);
            return new Mutation(b, "copy " + len + " bytes " + from + "->" + to, isHeader(p, to));
        }
        return new Mutation(b, "none", false);
    }

    private static boolean isHeader(Pdu p, int at) {
        for (int m : p.members()) {
            if (at >= m && at < m + 64) {
                return true;
            }
        }
        return false;
    }

    private static long boundary(byte[] b, Pdu.Field f, SplittableRandom r) {
        long mask = f.size() == 8 ? -1L : (1L << (8 * f.size())) - 1;
        long cur = get(b, f.offset(), f.size());
        long[] values = {0, mask, cur + 1, cur - 1, 1L << (8 * f.size() - 1), (1L << (8 * f.size() - 1)) - 1,
                b.length, b.length + 1, 64, r.nextLong(), cur * 2, 0xFFF8 & mask};
        return values[r.nextInt(values.length)] & mask;
    }

    private static long get(byte[] b, int at, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static void put(byte[] b, int at, int size, long v) {
        for (int i = 0; i < size; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The first {@code max} bytes as hex, for a report. */
    public static String hex(byte[] b, int max) {
        String h = java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, max));
        return b.length > max ? h + "...(" + b.length + " bytes)" : h;
    }
}
