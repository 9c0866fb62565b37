package io.swrap.smb.vfs;

import java.time.Instant;

/** FILETIME ([MS-DTYP] 2.3.3): 100-nanosecond intervals since January 1, 1601 (UTC). */
public final class FileTimes {
    private static final long EPOCH_DIFF_SECONDS = 11644473600L;

    private FileTimes() {
    }

    public static long toFiletime(Instant t) {
        return (t.getEpochSecond() + EPOCH_DIFF_SECONDS) * 10_000_000L + t.getNano() / 100;
    }

    /** The FILETIME of a time in nanoseconds since the Unix epoch. */
    public static long fromNanos(long ns) {
        return Math.floorDiv(ns, 100L) + EPOCH_DIFF_SECONDS * 10_000_000L;
    }

    /** A FILETIME (any value a client sends) in nanoseconds since the Unix epoch, clamped to what a long holds. */
    public static long toNanos(long ft) {
        long units = Math.max(ft, Long.MIN_VALUE / 2) - EPOCH_DIFF_SECONDS * 10_000_000L; // no overflow: ~2^56 apart
        return Math.clamp(units, Long.MIN_VALUE / 100 + 1, Long.MAX_VALUE / 100) * 100;
    }

    public static long now() {
        return toFiletime(Instant.now());
    }
}
