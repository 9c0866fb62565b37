package io.swrap.smb.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame step alone on {@link EmbeddedChannel}s sharing one server: the pre-logon frame size is
 * checked on the 4-byte header, and frames being received share {@code smbserver:max buffered bytes}.
 */
class FrameDecoderTest {
    private static final int BUDGET = 1 << 20;
    private ServerState state;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("smbpasswd"), "");
        state = new ServerState(SmbConfParser.parse("test.conf", "[global]\nsmb passwd file = smbpasswd\n"
                + "smbserver:max frame = 1M\nsmbserver:max pre-auth frame = 1M\nsmbserver:max buffered bytes = 1M\n",
                dir));
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new FrameDecoder(new Connection(state, ch)));
        return ch;
    }

    private static ByteBuf header(int length) {
        return Unpooled.buffer(4).writeInt(length);
    }

    @Test
    void framesShareTheBufferBudgetUntilComplete() {
        EmbeddedChannel big = connection();
        int bigLength = BUDGET - 100;
        big.writeInbound(header(bigLength).writeZero(1000)); // announced: reserved before it arrives
        EmbeddedChannel other = connection();
        DecoderException e = assertThrows(DecoderException.class,
                () -> other.writeInbound(header(200).writeZero(200)));
        assertTrue(e.getMessage().contains("smbserver:max buffered bytes"), e.getMessage());
        assertTrue(other.inboundMessages().isEmpty());

        big.writeInbound(Unpooled.buffer().writeZero(bigLength - 1000)); // complete: the reservation is given back
        ByteBuf frame = big.readInbound();
        assertEquals(bigLength, frame.readableBytes());
        frame.release();
        EmbeddedChannel third = connection();
        third.writeInbound(header(200).writeZero(200));
        ByteBuf small = third.readInbound();
        assertEquals(200, small.readableBytes());
        small.release();

        // a connection that ends with a partial frame gives its reservation back too
        EmbeddedChannel partial = connection();
        partial.writeInbound(header(bigLength).writeZero(10));
        partial.close();
        EmbeddedChannel after = connection();
        after.writeInbound(header(bigLength).writeZero(bigLength));
        ByteBuf whole = after.readInbound();
        assertEquals(bigLength, whole.readableBytes());
        whole.release();
        assertFalse(after.finish());
    }

    @Test
    void theLengthIsCheckedOnTheHeaderAlone() {
        EmbeddedChannel ch = connection();
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(header((1 << 20) + 1)));
        assertTrue(e.getMessage().contains("before logon, above smbserver:max pre-auth frame 1048576"), e.getMessage());
        DecoderException notTcp = assertThrows(DecoderException.class,
                () -> connection().writeInbound(header(0x81000000)));
        assertTrue(notTcp.getMessage().contains("not direct TCP"), notTcp.getMessage());
    }
}
