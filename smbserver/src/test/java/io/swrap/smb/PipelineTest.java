package io.swrap.smb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on an {@link EmbeddedChannel}: direct-TCP frames split at awkward byte boundaries,
 * malformed requests answered with their MessageId, compounds, and the SMB1 upgrade.
 */
class PipelineTest {
    private EmbeddedChannel ch;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("share"));
        Files.writeString(dir.resolve("smbpasswd"), "");
        ServerState state = new ServerState(SmbConfParser.parse("test.conf",
                "[global]\nsmb passwd file = smbpasswd\n[share]\npath = share\n", dir));
        ch = new EmbeddedChannel();
        SmbServer.pipeline(ch.pipeline(), new Connection(state, ch));
    }

    /** A 64-byte request header; the body follows. */
    static ByteBuf header(int command, long messageId, int nextCommand, int creditCharge) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(0x424D53FE).writeShortLE(64).writeShortLE(creditCharge).writeIntLE(0).writeShortLE(command)
                .writeShortLE(8).writeIntLE(0).writeIntLE(nextCommand).writeLongLE(messageId).writeIntLE(0)
                .writeIntLE(0).writeLongLE(0).writeZero(16);
        return b;
    }

    /** [MS-SMB2] 2.2.3 with 3.1.1 contexts PREAUTH, ENCRYPTION (CCM, GCM-256), SIGNING (CMAC, HMAC) and NETNAME. */
    static ByteBuf negotiate311(long messageId) {
        ByteBuf b = header(Smb2Command.NEGOTIATE, messageId, 0, 0);
        int[] dialects = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
        b.writeShortLE(36).writeShortLE(dialects.length).writeShortLE(1).writeShortLE(0).writeIntLE(0x7F);
        b.writeZero(16); // ClientGuid
        int ctxOffsetIndex = b.writerIndex();
        b.writeIntLE(0).writeShortLE(4).writeShortLE(0);
        for (int d : dialects) {
            b.writeShortLE(d);
        }
        align8(b);
        b.setIntLE(ctxOffsetIndex, b.writerIndex());
        context(b, 1, new byte[] {1, 0, 32, 0, 1, 0}, 32); // SHA-512, 32-byte salt
        context(b, 2, new byte[] {2, 0, 1, 0, 4, 0}, 0); // AES-128-CCM, AES-256-GCM
        context(b, 8, new byte[] {2, 0, 1, 0, 0, 0}, 0); // AES-CMAC, HMAC-SHA256
        context(b, 5, "host".getBytes(StandardCharsets.UTF_16LE), 0);
        return b;
    }

    private static void context(ByteBuf b, int type, byte[] data, int extraZeros) {
        align8(b);
        b.writeShortLE(type).writeShortLE(data.length + extraZeros).writeIntLE(0).writeBytes(data).writeZero(extraZeros);
    }

    private static void align8(ByteBuf b) {
        while (b.writerIndex() % 8 != 0) {
            b.writeByte(0);
        }
    }

    static ByteBuf frame(ByteBuf msg) {
        return Unpooled.buffer().writeInt(msg.readableBytes()).writeBytes(msg);
    }

    /** Writes {@code data} in pieces of the given sizes (cycled), as TCP may deliver it. */
    private void writeSplit(ByteBuf data, int... sizes) {
        for (int i = 0; data.isReadable(); i++) {
            int n = Math.min(sizes[i % sizes.length], data.readableBytes());
            ch.writeInbound(data.readRetainedSlice(n));
        }
        data.release();
    }

    /** Every response frame written so far, without the 4-byte length. */
    private List<ByteBuf> responses() {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        List<ByteBuf> out = new ArrayList<>();
        while (all.isReadable()) {
            int len = all.readInt();
            out.add(all.readSlice(len));
        }
        return out;
    }

    @Test
    void negotiateSplitAtAwkwardBoundariesPicksOneChoicePerContext() {
        writeSplit(frame(negotiate311(0)), 1, 3, 2, 61, 5, 7);
        List<ByteBuf> rs = responses();
        assertEquals(1, rs.size());
        ByteBuf r = rs.get(0);
        assertEquals(NtStatus.SUCCESS, r.getIntLE(8));
        assertEquals(0, r.getLongLE(24)); // MessageId
        assertTrue((r.getIntLE(16) & 1) != 0, "SMB2_FLAGS_SERVER_TO_REDIR");
        assertEquals(65, r.getUnsignedShortLE(64));
        assertEquals(Smb2Dialect.SMB3_11, r.getUnsignedShortLE(68));
        assertEquals(3, r.getUnsignedShortLE(70), "PREAUTH, ENCRYPTION, SIGNING; NETNAME is not answered");
        int off = r.getIntLE(64 + 60);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            off = (off + 7) & ~7;
            int type = r.getUnsignedShortLE(off);
            int len = r.getUnsignedShortLE(off + 2);
            assertEquals(1, r.getUnsignedShortLE(off + 8), "one choice in context " + type);
            seen.add(type + "=" + r.getUnsignedShortLE(off + (type == 1 ? 12 : 10)));
            off += 8 + len;
        }
        // SHA-512; the server's first preference the client offers: AES-128-CCM; AES-CMAC.
        assertEquals(List.of("1=1", "2=1", "8=1"), seen);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void malformedRequestGetsAnErrorWithItsMessageId() {
        ByteBuf bad = header(Smb2Command.NEGOTIATE, 0, 0, 0).writeShortLE(35).writeZero(40);
        ch.writeInbound(frame(bad));
        ByteBuf r = responses().get(0);
        assertEquals(NtStatus.INVALID_PARAMETER, r.getIntLE(8));
        assertEquals(0, r.getLongLE(24));
        assertEquals(9, r.getUnsignedShortLE(64), "SMB2 ERROR Response");
        assertTrue(ch.isActive());
        // The credit was granted anyway: the next request may use MessageId 1.
        ch.writeInbound(frame(header(Smb2Command.SESSION_SETUP, 1, 0, 1).writeShortLE(25).writeZero(23)));
        r = responses().get(0);
        assertEquals(NtStatus.INVALID_PARAMETER, r.getIntLE(8), "SESSION_SETUP before NEGOTIATE");
        assertEquals(1, r.getLongLE(24));
        ch.finishAndReleaseAll();
    }

    @Test
    void compoundedEchoesAreAnsweredInOneFrame() {
        ch.writeInbound(frame(negotiate311(0)));
        responses();
        ByteBuf chain = Unpooled.buffer();
        chain.writeBytes(header(Smb2Command.ECHO, 1, 72, 1).writeShortLE(4).writeShortLE(0));
        chain.writeZero(4); // pad to 72, 8-byte aligned
        chain.writeBytes(header(Smb2Command.ECHO, 2, 0, 1).writeShortLE(4).writeShortLE(0));
        writeSplit(frame(chain), 70, 1);
        List<ByteBuf> rs = responses();
        // [MS-SMB2] 3.3.4.1.3: one frame, each response padded to 8 bytes and linked by NextCommand
        assertEquals(1, rs.size(), "the two responses share one frame");
        ByteBuf f = rs.get(0);
        assertEquals(144, f.readableBytes(), "two 68-byte ECHO responses, each padded to 72");
        assertEquals(72, f.getIntLE(20), "NextCommand of the first");
        assertEquals(1, f.getLongLE(24));
        assertEquals(0, f.getIntLE(72 + 20), "NextCommand of the last");
        assertEquals(2, f.getLongLE(72 + 24));
        assertEquals(NtStatus.SUCCESS, f.getIntLE(72 + 8));
        ch.finishAndReleaseAll();
    }

    @Test
    void badNextCommandIsAnsweredNotDropped() {
        ch.writeInbound(frame(negotiate311(0)));
        responses();
        ByteBuf chain = header(Smb2Command.ECHO, 1, 70, 1).writeShortLE(4).writeShortLE(0).writeZero(8);
        ch.writeInbound(frame(chain));
        ByteBuf r = responses().get(0);
        assertEquals(NtStatus.INVALID_PARAMETER, r.getIntLE(8));
        assertEquals(1, r.getLongLE(24));
        ch.finishAndReleaseAll();
    }

    /** [MS-SMB2] 2.2.19: READ body of 48 bytes plus the 1-byte Buffer. */
    private static ByteBuf read(long messageId, int creditCharge, int length) {
        ByteBuf b = header(Smb2Command.READ, messageId, 0, creditCharge);
        return b.writeShortLE(49).writeShortLE(0).writeIntLE(length).writeLongLE(0).writeZero(16).writeZero(17);
    }

    @Test
    void creditChargeMustCoverLargeReads() {
        ch.writeInbound(frame(negotiate311(0)));
        responses();
        ch.writeInbound(frame(read(1, 1, 128 * 1024)));
        ByteBuf r = responses().get(0);
        assertEquals(NtStatus.INVALID_PARAMETER, r.getIntLE(8), "128 KiB for one credit");
        ch.writeInbound(frame(read(2, 2, 128 * 1024)));
        r = responses().get(0);
        assertEquals(NtStatus.USER_SESSION_DELETED, r.getIntLE(8), "charged correctly; fails later for no session");
        assertEquals(2, r.getLongLE(24));
        ch.finishAndReleaseAll();
    }

    @Test
    void smb1MultiProtocolNegotiateUpgradesToSmb2() {
        ByteBuf smb1 = Unpooled.buffer();
        smb1.writeByte(0xFF).writeBytes("SMB".getBytes(StandardCharsets.US_ASCII)).writeByte(0x72).writeZero(27);
        ByteBuf dialects = Unpooled.buffer();
        for (String d : new String[] {"NT LM 0.12", "SMB 2.002", "SMB 2.???"}) {
            dialects.writeByte(2).writeBytes(d.getBytes(StandardCharsets.US_ASCII)).writeByte(0);
        }
        smb1.writeByte(0).writeShortLE(dialects.readableBytes()).writeBytes(dialects);
        writeSplit(frame(smb1), 2);
        ByteBuf r = responses().get(0);
        assertEquals(Smb2Command.NEGOTIATE, r.getUnsignedShortLE(12));
        assertEquals(Smb2Dialect.SMB2_WILDCARD, r.getUnsignedShortLE(68));
        ch.writeInbound(frame(negotiate311(1)));
        r = responses().get(0);
        assertEquals(NtStatus.SUCCESS, r.getIntLE(8));
        assertEquals(Smb2Dialect.SMB3_11, r.getUnsignedShortLE(68));
        ch.finishAndReleaseAll();
    }

    @Test
    void garbageClosesTheConnection() {
        ch.writeInbound(frame(Unpooled.wrappedBuffer("GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }
}
