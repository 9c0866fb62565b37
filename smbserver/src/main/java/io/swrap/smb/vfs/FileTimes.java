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

    public static FileTime fromFiletime(long ft) {
        long seconds = Math.floorDiv(ft, 10_000_000L) - EPOCH_DIFF_SECONDS;
        long nanos = Math.floorMod(ft, 10_000_000L) * 100;
        return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
    }

    public static long now() {
        return toFiletime(Instant.now());
    }
}
