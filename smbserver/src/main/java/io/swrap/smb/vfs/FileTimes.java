package io.swrap.smb.vfs;

import java.time.Instant;

/** FILETIME ([MS-DTYP] 2.3.3): 100-nanosecond intervals since January 1, 1601 (UTC). */
public final class FileTimes {
    private static final long EPOCH_DIFF_SECONDS = 11644473600L;
    private static final long TICKS_PER_SECOND = 10_000_000L;

    private FileTimes() {
    }

    public static long toFiletime(Instant t) {
        return fromUnix(t.getEpochSecond(), t.getNano());
    }

    /**
     * The FILETIME of a Unix time (a timespec or statx_timestamp). Kept in FILETIME units end to end, times past
     * 2262-04-11, beyond nanoseconds in a long, survive (smb2.timestamps.time_t_10000000000: 2286).
     */
    public static long fromUnix(long seconds, long nanos) {
        return (seconds + EPOCH_DIFF_SECONDS) * TICKS_PER_SECOND + nanos / 100;
    }

    /** The Unix seconds of a FILETIME (any value a client sends: no overflow for any long). */
    public static long unixSeconds(long ft) {
        return Math.floorDiv(ft, TICKS_PER_SECOND) - EPOCH_DIFF_SECONDS;
    }

    /** The nanoseconds within {@link #unixSeconds}'s second, 0..999999900. */
    public static long unixNanos(long ft) {
        return Math.floorMod(ft, TICKS_PER_SECOND) * 100;
    }

    public static long now() {
        return toFiletime(Instant.now());
    }
}
