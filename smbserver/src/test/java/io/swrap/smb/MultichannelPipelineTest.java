package io.swrap.smb;

import static io.swrap.smb.PipelineTest.frame;
import static io.swrap.smb.PipelineTest.header;
import static io.swrap.smb.PipelineTest.negotiate311;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multichannel on EmbeddedChannels: the MULTI_CHANNEL capability, connections grouped by ClientGuid, and
 * the binding rules that need no authenticated session. Binding itself (NTLM over the new channel, channel
 * keys, the 32-channel limit) is checked with smbtorture by selftest's MultichannelIT.
 */
class MultichannelPipelineTest {
    @TempDir
    Path dir;

    private ServerState server(String globals) throws Exception {
        Files.createDirectories(dir.resolve("share"));
        Files.writeString(dir.resolve("smbpasswd"), "");
        return new ServerState(SmbConfParser.parse("test.conf",
                "[global]\nsmb passwd file = smbpasswd\n" + globals + "\n[share]\npath = share\n", dir));
    }

    /** Sends one request and answers its one response, without the direct-TCP length. */
    private static ByteBuf exchange(EmbeddedChannel ch, ByteBuf request) {
        ch.writeInbound(frame(request));
        ByteBuf all = io.netty.buffer.Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        ByteBuf response = all.copy(4, all.readableBytes() - 4);
        all.release();
        return response;
    }

    /** [MS-SMB2] 2.2.5 SESSION_SETUP with Flags = BINDING, SessionId {@code sid}, signed flag set, empty token. */
    private static ByteBuf bind(long messageId, long sid) {
        ByteBuf b = header(Smb2Command.SESSION_SETUP, messageId, 0, 1);
        b.setIntLE(16, 0x08); // SMB2_FLAGS_SIGNED
        b.setLongLE(40, sid);
        return b.writeShortLE(25).writeByte(0x01).writeByte(1).writeIntLE(0).writeIntLE(0).writeShortLE(88)
                .writeShortLE(0).writeLongLE(0).writeZero(1);
    }

    /** Capabilities of the NEGOTIATE response, [MS-SMB2] 2.2.4 (body offset 24). */
    private static int capabilities(ByteBuf negotiateResponse) {
        return negotiateResponse.getIntLE(64 + 24);
    }

    @Test
    void negotiateAdvertisesMultichannelByDefault() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        SmbServer.pipeline(ch.pipeline(), new Connection(server(""), ch));
        ByteBuf r = exchange(ch, negotiate311(0));
        assertEquals(Connection.CAP_MULTI_CHANNEL, capabilities(r) & Connection.CAP_MULTI_CHANNEL);
        r.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void multichannelOffHidesTheCapabilityAndRefusesBinds() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        SmbServer.pipeline(ch.pipeline(), new Connection(server("server multi channel support = no"), ch));
        ByteBuf r = exchange(ch, negotiate311(0));
        assertEquals(0, capabilities(r) & Connection.CAP_MULTI_CHANNEL);
        r.release();
        r = exchange(ch, bind(1, 0x10001));
        // the session is looked up first (3.3.5.5 step 4, as Samba): a bind naming none is refused as such
        assertEquals(NtStatus.USER_SESSION_DELETED, r.getIntLE(8));
        r.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void bindToAnUnknownSessionIsRefused() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        SmbServer.pipeline(ch.pipeline(), new Connection(server(""), ch));
        exchange(ch, negotiate311(0)).release();
        ByteBuf r = exchange(ch, bind(1, 0x10001));
        assertEquals(NtStatus.USER_SESSION_DELETED, r.getIntLE(8), "3.3.5.5: not in GlobalSessionTable");
        r.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionsOfOneClientGuidShareOneClient() throws Exception {
        ServerState state = server("");
        EmbeddedChannel ch1 = new EmbeddedChannel();
        Connection c1 = new Connection(state, ch1);
        SmbServer.pipeline(ch1.pipeline(), c1);
        EmbeddedChannel ch2 = new EmbeddedChannel();
        Connection c2 = new Connection(state, ch2);
        SmbServer.pipeline(ch2.pipeline(), c2);
        exchange(ch1, negotiate311(0)).release();
        exchange(ch2, negotiate311(0)).release();
        assertNotNull(c1.client());
        assertSame(c1.client(), c2.client(), "the same ClientGuid");
        ch1.close();
        assertEquals(1, c2.client().connections().size(), "a connection leaves its client when it closes");
        ch2.close();
        EmbeddedChannel ch3 = new EmbeddedChannel();
        Connection c3 = new Connection(state, ch3);
        SmbServer.pipeline(ch3.pipeline(), c3);
        assertNull(c3.client(), "no client before NEGOTIATE");
        exchange(ch3, negotiate311(0)).release();
        assertNotSame(c1.client(), c3.client(), "the last connection took its client away");
        for (EmbeddedChannel ch : new EmbeddedChannel[] {ch1, ch2, ch3}) {
            ch.finishAndReleaseAll();
        }
    }
}
