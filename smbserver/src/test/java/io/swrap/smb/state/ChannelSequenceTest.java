package io.swrap.smb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.smb.state.ChannelSequence.Verdict;
import org.junit.jupiter.api.Test;

class ChannelSequenceTest {
    @Test
    void equalIsCurrent() {
        assertEquals(Verdict.CURRENT, ChannelSequence.compare(0, 0));
        assertEquals(Verdict.CURRENT, ChannelSequence.compare(0xFFFF, 0xFFFF));
    }

    @Test
    void upToHalfTheRangeAheadIsNewer() {
        assertEquals(Verdict.ADVANCED, ChannelSequence.compare(1, 0));
        assertEquals(Verdict.ADVANCED, ChannelSequence.compare(0x7FFF, 0));
        assertEquals(Verdict.ADVANCED, ChannelSequence.compare(0, 0xFFFF), "wraps around");
        assertEquals(Verdict.ADVANCED, ChannelSequence.compare(0xFFFF, 0x8000));
    }

    /** The table of smbtorture's smb2.replay.channel-sequence, starting at 0. */
    @Test
    void halfTheRangeOrMoreAheadIsStale() {
        assertEquals(Verdict.STALE, ChannelSequence.compare(0x8000, 0));
        assertEquals(Verdict.STALE, ChannelSequence.compare(0x8001, 0));
        assertEquals(Verdict.STALE, ChannelSequence.compare(0xFFFF, 0));
        assertEquals(Verdict.STALE, ChannelSequence.compare(0x7FFE, 0x7FFF));
        assertEquals(Verdict.STALE, ChannelSequence.compare(0, 0x7FFF));
        assertEquals(Verdict.STALE, ChannelSequence.compare(0xFFFF, 1));
    }

    @Test
    void onlyTheLow16BitsCount() {
        assertEquals(Verdict.CURRENT, ChannelSequence.compare(0x10005, 5));
    }
}
