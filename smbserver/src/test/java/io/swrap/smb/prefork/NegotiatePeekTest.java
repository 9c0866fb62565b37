package io.swrap.smb.prefork;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NegotiatePeekTest {
    private static final int MAX = 64 * 1024;
    private static final byte[] GUID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    /** A direct-TCP frame with an SMB2 NEGOTIATE offering {@code dialects}, ClientGuid {@code guid}. */
    private static byte[] negotiate(byte[] guid, int... dialects) {
        int len = 64 + 36 + 2 * dialects.length;
        ByteBuffer b = ByteBuffer.allocate(4 + len).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) (len >> 16)).put((byte) (len >> 8)).put((byte) len);
        b.putInt(0x424D53FE).putShort((short) 64);
        b.position(4 + 64);
        b.putShort((short) 36).putShort((short) dialects.length).putShort((short) 1).putShort((short) 0).putInt(0);
        b.put(guid).putInt(0).putShort((short) 0).putShort((short) 0);
        for (int d : dialects) {
            b.putShort((short) d);
        }
        return b.array();
    }

    private static NegotiatePeek examine(byte[] bytes, int upTo) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length + 16);
        b.put(bytes, 0, upTo);
        return NegotiatePeek.examine(b, MAX, 0x0202, 0x0311);
    }

    @Test
    void aThreeDotXNegotiateIsRoutedByItsClientGuid() {
        byte[] n = negotiate(GUID, 0x0202, 0x0210, 0x0300, 0x0302, 0x0311);
        NegotiatePeek p = examine(n, n.length);
        assertEquals(NegotiatePeek.Kind.CLIENT, p.kind());
        assertArrayEquals(GUID, p.guid());
    }

    @Test
    void waitsForTheWholeFrame() {
        byte[] n = negotiate(GUID, 0x0311);
        for (int i : new int[] {0, 3, 4, 60, n.length - 1}) {
            assertEquals(NegotiatePeek.Kind.MORE, examine(n, i).kind(), "after " + i + " bytes");
        }
    }

    @Test
    void smb202ZeroGuidSmb1AndOversizedFramesGoToAnyWorker() {
        assertEquals(NegotiatePeek.Kind.ANY, examine(negotiate(GUID, 0x0202), 106).kind());
        assertEquals(NegotiatePeek.Kind.ANY, examine(negotiate(new byte[16], 0x0311), 106).kind());
        byte[] smb1 = new byte[4 + 40];
        System.arraycopy(new byte[] {0, 0, 0, 40, (byte) 0xFF, 'S', 'M', 'B', 0x72}, 0, smb1, 0, 9);
        assertEquals(NegotiatePeek.Kind.ANY, examine(smb1, smb1.length).kind());
        byte[] huge = {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE, 'S', 'M', 'B'};
        assertEquals(NegotiatePeek.Kind.ANY, examine(huge, huge.length).kind());
        // dialects the server does not speak do not count: 3.1.1 only, with max protocol 2.0.2
        byte[] n = negotiate(GUID, 0x0202, 0x0311);
        ByteBuffer b = ByteBuffer.allocate(n.length).put(n);
        assertEquals(NegotiatePeek.Kind.ANY, NegotiatePeek.examine(b, MAX, 0x0202, 0x0202).kind());
    }
}
