package io.swrap.smb.oplock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.ipc.MalformedMessageException;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageCodec;
import io.swrap.smb.ipc.MessageType;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Breaks as messages between workers: both kinds survive the wire, and what is not a break is refused by name. */
class BreakMessagesTest {
    private static final String GUID = "0123456789abcdeffedcba9876543210";

    @Test
    void anOplockBreakCarriesItsOwnerAndLevel() throws Exception {
        BreakNotice.Oplock o = new BreakNotice.Oplock(OwnerId.of(GUID, 0x1122, 0x3344), OplockLevel.II, true);
        Message m = MessageCodec.decode(MessageCodec.encode(BreakMessages.encode(o, 77), 4096));
        assertEquals(MessageType.OPLOCK_BREAK, m.type());
        assertEquals(77, m.senderPid());
        assertEquals(o, BreakMessages.decode(m));
        assertArrayEquals(new long[] {0x0123456789abcdefL, 0xfedcba9876543210L}, BreakMessages.clientGuid(o));
    }

    @Test
    void aLeaseBreakCarriesItsClientKeyStatesAndEpoch() throws Exception {
        byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        BreakNotice.LeaseBreak l = new BreakNotice.LeaseBreak(GUID, key, 2, LeaseState.READ | LeaseState.HANDLE,
                LeaseState.READ, 0xfffffffe, false);
        BreakNotice.LeaseBreak back = (BreakNotice.LeaseBreak) BreakMessages.decode(
                MessageCodec.decode(MessageCodec.encode(BreakMessages.encode(l, 77), 4096)));
        assertEquals(GUID, back.clientGuid());
        assertArrayEquals(key, back.key());
        assertEquals(2, back.version());
        assertEquals(l.from(), back.from());
        assertEquals(l.to(), back.to());
        assertEquals(0xfffffffe, back.epoch());
        assertEquals(false, back.ackRequired());
    }

    @Test
    void whatIsNotABreakIsRefusedNamingTheField() {
        assertEquals("WAKE from pid 1 ids [1, 2] payload 0 B: not a break", refused(new Message(MessageType.WAKE, 1,
                1, 2)));
        assertEquals("OPLOCK_BREAK from pid 1 ids [1, 2] payload 0 B: 2 ids (expected: 6)", refused(new Message(
                MessageType.OPLOCK_BREAK, 1, 1, 2)));
        assertEquals("OPLOCK_BREAK from pid 1 ids [1, 2, 3, 4, 1, 2] payload 0 B: flag id 5 = 2 (expected: 0 or 1)",
                refused(new Message(MessageType.OPLOCK_BREAK, 1, 1, 2, 3, 4, 1, 2)));
        assertEquals("OPLOCK_BREAK from pid 1 ids [1, 2, 3, 4, -1, 0] payload 0 B: id 4 = -1 (expected:"
                + " 0..0xffffffff)", refused(new Message(MessageType.OPLOCK_BREAK, 1, 1, 2, 3, 4, -1, 0)));
        assertEquals("LEASE_BREAK from pid 1 ids [1, 2, 2, 7, 1, 5, 1] payload 15 B: lease key of 15 bytes"
                + " (expected: 16)", refused(new Message(MessageType.LEASE_BREAK, 1, new long[] {1, 2, 2, 7, 1, 5, 1},
                new byte[15])));
    }

    private static String refused(Message m) {
        return assertThrows(MalformedMessageException.class, () -> BreakMessages.decode(m)).getMessage();
    }
}
