package io.swrap.agent.fdpass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PassMessageTest {
    @Test
    void roundTrip() throws IOException {
        PassMessage m = new PassMessage(4711, new int[] {3, -1, 7}, new long[] {900, -1, 901});
        PassMessage back = PassMessage.decode(m.encode(), 3);
        assertEquals(4711, back.sender());
        assertArrayEquals(new int[] {3, -1, 7}, back.indexes());
        assertArrayEquals(new long[] {900, -1, 901}, back.inodes());
    }

    @Test
    void aCountOtherThanWhatWasReceivedIsRefused() {
        byte[] bytes = new PassMessage(4711, new int[] {3}, new long[] {900}).encode();
        IOException e = assertThrows(IOException.class, () -> PassMessage.decode(bytes, 2));
        assertEquals("swrap-agent: invalid fd-passing message: sender pid 4711 described 1 descriptors in 32"
                + " bytes (expected: 2 in 48, as received)", e.getMessage());
    }

    @Test
    void anotherVersionIsNamed() {
        byte[] bytes = new PassMessage(4711, new int[] {3}, new long[] {900}).encode();
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(4, 2);
        IOException e = assertThrows(IOException.class, () -> PassMessage.decode(bytes, 1));
        assertEquals("swrap-agent: invalid fd-passing message: version: 2 (expected: 1); sender pid 4711 runs"
                + " another swrap-agent version", e.getMessage());
    }

    @Test
    void aForeignMemfdIsNotAMessage() {
        IOException e = assertThrows(IOException.class, () -> PassMessage.decode(new byte[16], 0));
        assertEquals("swrap-agent: invalid fd-passing message: magic: 0x0 (expected: 0x53574650)", e.getMessage());
    }
}
