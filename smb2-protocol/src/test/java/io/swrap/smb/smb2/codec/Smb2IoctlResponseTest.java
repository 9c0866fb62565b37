package io.swrap.smb.smb2.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** [MS-SMB2] 2.2.32: OutputOffset names where the output starts, after any padding behind the fixed body. */
class Smb2IoctlResponseTest {
    private static final Smb2FileId ALL_ONES = Smb2FileId.COMPOUND;

    @Test
    void outputFollowsTheBodyWithoutPadding() {
        ByteBuf out = encode(new Smb2IoctlResponse(0x83848013, ALL_ONES, new byte[] {8}));
        try {
            assertEquals(Smb2Header.SIZE + 48, out.getIntLE(24), "InputOffset");
            assertEquals(Smb2Header.SIZE + 48, out.getIntLE(32), "OutputOffset");
            assertEquals(1, out.getIntLE(36), "OutputCount");
            assertEquals(49, out.readableBytes());
            assertEquals(8, out.getByte(48));
        } finally {
            out.release();
        }
    }

    @Test
    void paddingMovesTheOutputAndIsZero() {
        ByteBuf out = encode(new Smb2IoctlResponse(0x83848013, ALL_ONES, new byte[] {8}, 8));
        try {
            assertEquals(Smb2Header.SIZE + 56, out.getIntLE(24), "InputOffset");
            assertEquals(Smb2Header.SIZE + 56, out.getIntLE(32), "OutputOffset");
            assertEquals(1, out.getIntLE(36), "OutputCount");
            assertEquals(57, out.readableBytes());
            for (int i = 48; i < 56; i++) {
                assertEquals(0, out.getByte(i), "padding byte " + i);
            }
            assertEquals(8, out.getByte(56));
        } finally {
            out.release();
        }
    }

    @Test
    void paddingOutsideOneByteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Smb2IoctlResponse(0, ALL_ONES, new byte[0], 256));
        assertThrows(IllegalArgumentException.class, () -> new Smb2IoctlResponse(0, ALL_ONES, new byte[0], -1));
    }

    private static ByteBuf encode(Smb2IoctlResponse r) {
        ByteBuf out = Unpooled.buffer();
        r.encode(out);
        return out;
    }
}
