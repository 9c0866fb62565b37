package io.swrap.smb.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard on an {@link EmbeddedChannel} whose clock the test moves: both timeouts and back-pressure. */
class ConnectionGuardTest {
    @TempDir
    Path dir;

    private EmbeddedChannel connection(String globals) throws Exception {
        Files.writeString(dir.resolve("smbpasswd"), "");
        ServerState state = new ServerState(SmbConfParser.parse("test.conf", "[global]\nsmb passwd file = smbpasswd\n"
                + globals, dir));
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.pipeline().addLast(new ConnectionGuard(new Connection(state, ch)));
        ch.register(); // now active: the guard starts its timers
        return ch;
    }

    private static void advance(EmbeddedChannel ch, long amount, TimeUnit unit) {
        ch.advanceTimeBy(amount, unit);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aConnectionWithoutLogonIsClosedAfterThePreauthTimeout() throws Exception {
        EmbeddedChannel ch = connection("smbserver:pre-auth timeout = 30\n");
        advance(ch, 29, TimeUnit.SECONDS);
        assertTrue(ch.isOpen(), "before the pre-auth timeout");
        advance(ch, 2, TimeUnit.SECONDS);
        assertFalse(ch.isOpen(), "after the pre-auth timeout");
    }

    @Test
    void aSilentConnectionIsClosedAfterDeadtime() throws Exception {
        EmbeddedChannel ch = connection("smbserver:pre-auth timeout = 3600\ndeadtime = 1\n");
        advance(ch, 30, TimeUnit.SECONDS);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0})); // activity in the first minute
        ReferenceCountUtil.release(ch.readInbound());
        advance(ch, 31, TimeUnit.SECONDS);
        assertTrue(ch.isOpen(), "it sent something during the first minute");
        advance(ch, 60, TimeUnit.SECONDS);
        assertFalse(ch.isOpen(), "silent for the whole second minute");

        EmbeddedChannel off = connection("smbserver:pre-auth timeout = 3600\ndeadtime = 0\n");
        advance(off, 50, TimeUnit.MINUTES);
        assertTrue(off.isOpen(), "deadtime = 0: never");
    }

    @Test
    void aPeerThatDoesNotReadIsNotReadUntilItsRepliesDrain() throws Exception {
        EmbeddedChannel ch = connection("smbserver:max unsent bytes = 64K\n");
        // SmbServer sets the channels' water marks from the same setting: half of it, and it
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        assertTrue(ch.config().isAutoRead());
        ch.write(Unpooled.buffer().writeZero(100 * 1024)); // queued, not yet sent
        assertFalse(ch.isWritable());
        assertFalse(ch.config().isAutoRead(), "not read while 100 KiB of replies wait");
        ch.flush();
        assertTrue(ch.isWritable());
        assertTrue(ch.config().isAutoRead(), "read again once they left");
        ByteBuf sent = ch.readOutbound();
        sent.release();
    }
}
