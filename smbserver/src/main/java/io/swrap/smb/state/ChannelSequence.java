package io.swrap.smb.state;

/**
 * [MS-SMB2] 3.3.5.2.10 Verifying the Channel Sequence Number: a 3.x client raises the 16-bit
 * ChannelSequence of its requests when it suspects a channel failed, so that a request still in flight on
 * the dead channel (stale sequence) cannot modify an open after the client has moved on. Comparison is
 * modulo 2^16: a request is newer when (request - current) read as a signed 16-bit value is positive.
 */
public final class ChannelSequence {
    /** What a request's ChannelSequence means for its open. */
    public enum Verdict {
        /** Equal to Open.ChannelSequence. */
        CURRENT,
        /** Newer: Open.ChannelSequence becomes the request's. */
        ADVANCED,
        /** Older: a modifying request fails with STATUS_FILE_NOT_AVAILABLE, others go on. */
        STALE
    }

    private ChannelSequence() {
    }

    /** Compares the request's {@code requested} sequence with the open's {@code current} one (both 16-bit). */
    public static Verdict compare(int requested, int current) {
        short diff = (short) ((requested & 0xFFFF) - (current & 0xFFFF));
        return diff == 0 ? Verdict.CURRENT : diff > 0 ? Verdict.ADVANCED : Verdict.STALE;
    }
}
