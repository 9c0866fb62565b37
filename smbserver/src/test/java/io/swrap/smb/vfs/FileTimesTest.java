package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FileTimesTest {
    @Test
    void unixTimesRoundTripPast2262() {
        // smbtorture's time_t_15032385535 (2446-05-10, ext4's last second) and time_t_10000000000 (2286)
        for (long seconds : new long[] {15032385535L, 10000000000L, 0, -1, -2, -86400L * 365 * 2}) {
            long ft = FileTimes.fromUnix(seconds, 0);
            assertEquals(seconds, FileTimes.unixSeconds(ft), "seconds of " + ft);
            assertEquals(0, FileTimes.unixNanos(ft), "nanoseconds of " + ft);
        }
        assertEquals(266768591350000000L, FileTimes.fromUnix(15032385535L, 0));
    }

    @Test
    void subSecondPartsKeepHundredNanosecondUnits() {
        long ft = FileTimes.fromUnix(-1, 999_999_999);
        assertEquals(-1, FileTimes.unixSeconds(ft));
        assertEquals(999_999_900, FileTimes.unixNanos(ft));
        assertEquals(FileTimes.fromUnix(1_700_000_000L, 123_456_700),
                FileTimes.toFiletime(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
    }

    @Test
    void anyClientValueConvertsWithoutOverflow() {
        for (long ft : new long[] {Long.MAX_VALUE, Long.MIN_VALUE + 1, -3}) {
            assertEquals(ft, FileTimes.fromUnix(FileTimes.unixSeconds(ft), FileTimes.unixNanos(ft)));
        }
    }
}
