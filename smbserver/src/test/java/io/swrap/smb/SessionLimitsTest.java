package io.swrap.smb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-done SESSION_SETUPs on the whole pipeline, with the clock moved by the test: refused beyond
 * {@code smbserver:max pending sessions}, dropped after {@code smbserver:pre-auth timeout}, and the
 * count given back then.
 */
class SessionLimitsTest {
    @Test
    void aHalfDoneSessionSetupExpiresAndGivesItsPlaceBack(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("smbpasswd"), "");
        ServerState state = new ServerState(SmbConfParser.parse("test.conf", "[global]\nsmb passwd file = smbpasswd\n"
                + "smbserver:max pending sessions = 1\nsmbserver:pre-auth timeout = 30\n", dir));
        EmbeddedChannel ch = new EmbeddedChannel();
        SmbServer.pipeline(ch.pipeline(), new Connection(state, ch));
        assertEquals(NtStatus.SUCCESS, answer(ch, PipelineTest.negotiate311(0)).getIntLE(8));

        ByteBuf first = answer(ch, sessionSetup(1, 0));
        assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, first.getIntLE(8));
        long sessionId = first.getLongLE(40);
        assertEquals(NtStatus.INSUFFICIENT_RESOURCES, answer(ch, sessionSetup(2, 0)).getIntLE(8),
                "a second session while one authenticates (max pending sessions = 1)");

        ch.advanceTimeBy(31, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(NtStatus.USER_SESSION_DELETED, answer(ch, sessionSetup(3, sessionId)).getIntLE(8),
                "the half-done session was dropped after the pre-auth timeout");
        assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, answer(ch, sessionSetup(4, 0)).getIntLE(8),
                "and its place given back");
        ch.finishAndReleaseAll();
    }

    /** [MS-SMB2] 2.2.5 with a raw NTLMSSP NEGOTIATE_MESSAGE as its security buffer. */
    private static ByteBuf sessionSetup(long messageId, long sessionId) {
        ByteBuf b = PipelineTest.header(Smb2Command.SESSION_SETUP, messageId, 0, 1);
        b.setLongLE(40, sessionId);
        ByteBuf ntlm = Unpooled.buffer().writeBytes("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).writeIntLE(1)
                .writeIntLE(0x60088215).writeZero(16);
        b.writeShortLE(25).writeByte(0).writeByte(1).writeIntLE(0).writeIntLE(0).writeShortLE(64 + 24)
                .writeShortLE(ntlm.readableBytes()).writeLongLE(0).writeBytes(ntlm);
        return b;
    }

    /** Sends {@code request} in a frame and answers its one response, without the 4-byte length. */
    private static ByteBuf answer(EmbeddedChannel ch, ByteBuf request) {
        ch.writeInbound(PipelineTest.frame(request));
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        int length = all.readInt();
        assertEquals(length, all.readableBytes(), "one response");
        return all.readSlice(length);
    }
}
