package io.swrap.smb.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The datagram form of a message: golden bytes, round trips, and every malformed field refused by name. */
class MessageCodecTest {
    /** A WAKE from pid 0x1234 for loop 2, ticket 7, as the wire carries it. */
    private static final String WAKE_GOLDEN = "53574d53" + "01" + "01" + "02" + "00" + "0000000000001234"
            + "0000000000000002" + "0000000000000007" + "0000";

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void aWakeEncodesToTheDocumentedBytes() throws Exception {
        Message wake = new Message(MessageType.WAKE, 0x1234, 2, 7);
        assertEquals(WAKE_GOLDEN, HexFormat.of().formatHex(bytes(MessageCodec.encode(wake, 4096))));
        assertEquals(wake, MessageCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(WAKE_GOLDEN))));
    }

    @Test
    void everyTypeRoundTripsWithIdsAndPayload() throws Exception {
        for (MessageType t : MessageType.values()) {
            Message m = new Message(t, Long.MAX_VALUE, new long[] {-1, 0, Long.MIN_VALUE, 1, 2, 3, 4, 5},
                    HexFormat.of().parseHex("00ff10203040"));
            assertEquals(m, MessageCodec.decode(MessageCodec.encode(m, 4096)));
        }
    }

    @Test
    void everyTruncationAndATrailingByteAreRefused() throws Exception {
        byte[] whole = bytes(MessageCodec.encode(new Message(MessageType.LEASE_BREAK, 9, new long[] {1, 2, 3},
                new byte[16]), 4096));
        for (int n = 0; n < whole.length; n++) {
            ByteBuffer cut = ByteBuffer.wrap(whole, 0, n);
            assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(cut), "cut at " + n);
        }
        byte[] longer = java.util.Arrays.copyOf(whole, whole.length + 1);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decode(ByteBuffer.wrap(longer)));
        assertEquals("LEASE_BREAK: payload length 16 but 17 bytes follow", e.getMessage());
    }

    @Test
    void eachBadHeaderFieldIsNamedWithItsValue() {
        assertRefused(0, (byte) 0x54, "magic 0x54574d53 (expected: 0x53574d53)");
        assertRefused(4, (byte) 2, "version 2 (expected: 1)");
        assertRefused(5, (byte) 99, "type 99 (expected: one of 1.." + MessageType.values().length + ")");
        assertRefused(6, (byte) 9, "id count 9 (expected: 0..8)");
        assertRefused(7, (byte) 1, "reserved byte 1 (expected: 0)");
    }

    private static void assertRefused(int offset, byte value, String why) {
        byte[] b = HexFormat.of().parseHex(WAKE_GOLDEN);
        b[offset] = value;
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decode(ByteBuffer.wrap(b)));
        assertEquals(why, e.getMessage());
    }

    @Test
    void aMessageLongerThanTheLimitIsNotEncoded() {
        Message big = new Message(MessageType.LEASE_BREAK, 1, new long[0], new byte[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(big, 64));
        assertTrue(e.getMessage().contains("118 bytes encoded (expected: at most 64, smbserver:ipc max message size)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Message(MessageType.WAKE, 1, new long[9], new byte[0]));
    }
}
