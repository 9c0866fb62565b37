package io.swrap.smb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Open.OutstandingRequestCount and OutstandingPreRequestCount as [MS-SMB2] 3.3.5.2.10 keeps them. */
class OutstandingRequestsTest {
    @Test
    void aRequestIsCountedFromItsStartToItsEnd() {
        OutstandingRequests r = new OutstandingRequests(0);
        OutstandingRequests.Ticket t = r.begin(0, false);
        assertNotNull(t);
        assertEquals(1, r.outstanding());
        r.end(t);
        assertEquals(0, r.outstanding());
        assertEquals(0, r.preOutstanding());
    }

    /** A CHANGE_NOTIFY left pending under sequence 0 while the client moves to 1 completes later. */
    @Test
    void anAsyncRequestOfAnOlderSequenceEndsAsAPreRequest() {
        OutstandingRequests r = new OutstandingRequests(0);
        OutstandingRequests.Ticket pending = r.begin(0, false);
        OutstandingRequests.Ticket write = r.begin(1, false);
        assertNotNull(write, "a newer sequence is counted");
        assertEquals(1, r.sequence());
        assertEquals(1, r.outstanding(), "the newer request alone");
        assertEquals(1, r.preOutstanding(), "the pending one moved to the pre-request count");
        r.end(write);
        assertEquals(0, r.outstanding());
        r.end(pending);
        assertEquals(0, r.preOutstanding(), "the async completion (or its cancel) ends the old request");
    }

    /** 3.3.5.2.10: a replay while an original of an older sequence may still run is not counted (refused). */
    @Test
    void aReplayWaitsForTheRequestsOfOlderSequences() {
        OutstandingRequests r = new OutstandingRequests(5);
        OutstandingRequests.Ticket original = r.begin(5, false);
        OutstandingRequests.Ticket newer = r.begin(6, false);
        assertNull(r.begin(6, true), "replay of the current sequence with a pre-request outstanding");
        assertNull(r.begin(7, true), "replay of a newer sequence with a pre-request outstanding");
        assertEquals(6, r.sequence(), "a refused replay leaves the sequence alone");
        r.end(original);
        assertNotNull(r.begin(7, true), "with no older request left the replay goes on");
        assertEquals(7, r.sequence());
        assertEquals(1, r.outstanding());
        assertEquals(1, r.preOutstanding(), "the request of sequence 6 is now older");
        r.end(newer);
        assertEquals(0, r.preOutstanding());
    }

    @Test
    void aStaleRequestIsNotCounted() {
        OutstandingRequests r = new OutstandingRequests(0x7FFF);
        assertNull(r.begin(0x7FFE, false));
        assertNull(r.begin(0, false), "0x7FFF behind");
        assertEquals(0, r.outstanding());
        assertEquals(0x7FFF, r.sequence());
    }

    /** Sequences wrap at 2^16: a request started before the wrap is still told from the current ones. */
    @Test
    void theEpochTellsOldRequestsAcrossAWrap() {
        OutstandingRequests r = new OutstandingRequests(0xFFFF);
        OutstandingRequests.Ticket before = r.begin(0xFFFF, false);
        OutstandingRequests.Ticket after = r.begin(0, false);
        assertEquals(0, r.sequence());
        r.end(before);
        assertEquals(0, r.preOutstanding());
        assertEquals(1, r.outstanding());
        r.end(after);
        assertEquals(0, r.outstanding());
    }

    /** An error response ends its request once; ending it again is a bug that must show. */
    @Test
    void endingARequestTwiceFails() {
        OutstandingRequests r = new OutstandingRequests(0);
        OutstandingRequests.Ticket failed = r.begin(0, false);
        r.end(failed);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.end(failed));
        assertEquals("a request of ChannelSequence 0 ended with none outstanding: it was ended twice", e.getMessage());
    }

    /** A durable reconnect starts new counts: a ticket of the old ones is refused by them. */
    @Test
    void aTicketOfOtherCountsIsRefused() {
        OutstandingRequests old = new OutstandingRequests(3);
        OutstandingRequests.Ticket t = old.begin(3, false);
        OutstandingRequests fresh = new OutstandingRequests(3);
        assertThrows(IllegalArgumentException.class, () -> fresh.end(t));
        assertEquals(0, fresh.outstanding());
    }
}
