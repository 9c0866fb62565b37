package io.swrap.smb.vfs;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** FILETIME ([MS-DTYP] 2.3.3): 100-nanosecond intervals since January 1, 1601 (UTC). */
public final class FileTimes {
    private static final long EPOCH_DIFF_SECONDS = 11644473600L;

    private FileTimes() {
    }

    public static long toFiletime(Instant t) {
        return (t.getEpochSecond() + EPOCH_DIFF_SECONDS) * 10_000_000L + t.getNano() / 100;
    }

    public static long toFiletime(FileTime t) {
        return toFiletime(t.toInstant());
    }

    /** The FILETIME of a time in nanoseconds since the Unix epoch. */
    public static long fromNanos(long ns) {
        return Math.floorDiv(ns, 100L) + EPOCH_DIFF_SECONDS * 10_000_000L;
    }

    /** A FILETIME in nanoseconds since the Unix epoch. */
    public static long toNanos(long ft) {
        long units = ft - EPOCH_DIFF_SECONDS * 10_000_000L;
        return units > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : units * 100; // ft >= 0: never below MIN_VALUE / 100
    }

    public static FileTime fromFiletime(long ft) {
        long seconds = Math.floorDiv(ft, 10_000_000L) - EPOCH_DIFF_SECONDS;
        long nanos = Math.floorMod(ft, 10_000_000L) * 100;
        return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
    }

    public static long now() {
        return toFiletime(Instant.now());
    }
}
