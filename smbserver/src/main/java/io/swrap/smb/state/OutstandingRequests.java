package io.swrap.smb.state;

import io.swrap.smb.state.ChannelSequence.Verdict;

/**
 * [MS-SMB2] 3.3.1.10 Open.ChannelSequence, Open.OutstandingRequestCount and Open.OutstandingPreRequestCount, kept
 * as 3.3.5.2.10 says. Every request on the open that names it by FileId is counted from its start to its final
 * response (an async one until it completes or is canceled, an error at once) under the ChannelSequence it
 * carried: a newer sequence moves the requests still outstanding under the old one to the pre-request count.
 * A replay (SMB2_FLAGS_REPLAY_OPERATION) is counted only while no request of an older sequence is outstanding:
 * until then the original may still be running on the failed channel, so a modifying replay is refused.
 * Samba's smbd keeps the same two counts (request_count, pre_request_count). Not thread-safe: the open's owner
 * loop touches it.
 */
public final class OutstandingRequests {
    /** Open.ChannelSequence, 16 bits. */
    private int sequence;
    /** Open.OutstandingRequestCount: requests outstanding under {@link #sequence}. */
    private int current;
    /** Open.OutstandingPreRequestCount: requests outstanding under an older sequence. */
    private int previous;
    /** Raised each time {@link #sequence} changes: tells a request of an older sequence, even after a wrap. */
    private long epoch;

    /** What {@link #end} needs of a counted request: which counts, and under which sequence it started. */
    public record Ticket(OutstandingRequests counts, long epoch) {
    }

    /** Counts from {@code sequence} (the CREATE's, or a durable reconnect's) with nothing outstanding. */
    public OutstandingRequests(int sequence) {
        this.sequence = sequence & 0xFFFF;
    }

    public int sequence() {
        return sequence;
    }

    /** Open.OutstandingRequestCount. */
    public int outstanding() {
        return current;
    }

    /** Open.OutstandingPreRequestCount. */
    public int preOutstanding() {
        return previous;
    }

    /**
     * A request with ChannelSequence {@code requested} starts: returns its ticket for {@link #end}, or null when
     * it is not counted — a stale sequence, or a replay while requests of an older sequence are outstanding —
     * and a modifying request (WRITE, SET_INFO, IOCTL) must then fail with STATUS_FILE_NOT_AVAILABLE.
     */
    public Ticket begin(int requested, boolean replay) {
        Verdict v = ChannelSequence.compare(requested, sequence);
        if (v == Verdict.STALE || (replay && previous != 0)) {
            return null;
        }
        if (v == Verdict.ADVANCED) {
            previous += current;
            current = 0;
            sequence = requested & 0xFFFF;
            epoch++;
        }
        current++;
        return new Ticket(this, epoch);
    }

    /** The request of {@code t} got its final response (success, error, cancel or async completion). */
    public void end(Ticket t) {
        if (t.counts() != this) {
            throw new IllegalArgumentException("a ticket of other counts (sequence " + t.counts().sequence
                    + ") ended on the counts of sequence " + sequence);
        }
        if (t.epoch() == epoch) {
            if (current == 0) {
                throw new IllegalStateException("a request of ChannelSequence " + sequence
                        + " ended with none outstanding: it was ended twice");
            }
            current--;
        } else {
            if (previous == 0) {
                throw new IllegalStateException("a request of an older ChannelSequence than " + sequence
                        + " ended with none outstanding: it was ended twice");
            }
            previous--;
        }
    }
}
