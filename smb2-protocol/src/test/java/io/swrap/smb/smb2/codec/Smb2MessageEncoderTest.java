package io.swrap.smb.smb2.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chain encoder ([MS-SMB2] 3.3.4.1.3, 3.1.4.1): the responses to a compounded frame go out in one frame,
 * each message 8-byte aligned, linked by NextCommand and signed over its padding; an interim response and a
 * response outside a chain go alone.
 */
class Smb2MessageEncoderTest {
    private static final byte[] KEY = new byte[16];

    /** A request of a frame of {@code count} messages ({@code index} 0-based) as the compound decoder makes it. */
    private static Smb2Request request(int command, long messageId, int index, int count) {
        Smb2Header h = new Smb2Header(1, 0, command, 1, 0, 0, messageId, 0, 7, 0x55);
        ByteBuf msg = Unpooled.buffer();
        h.encode(msg);
        return new Smb2Request(msg, h, false, 0x55, 7, index == count - 1, count > 1);
    }

    /** A response with a body of {@code bodyLength} zero bytes. */
    private static Smb2Response response(Smb2Request req, int status, int bodyLength, long asyncId) {
        ByteBuf body = Unpooled.buffer(bodyLength);
        body.writeBytes(new byte[bodyLength]);
        Smb2Response r = new Smb2Response(req, status, body, 0x55, 7, asyncId);
        req.release();
        return r;
    }

    private static List<ByteBuf> frames(EmbeddedChannel ch) {
        List<ByteBuf> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            Smb2Frame f = (Smb2Frame) o;
            out.add(f.content().retain());
            f.release();
        }
        return out;
    }

    @Test
    void sixtyFourEchoesGoOutInOneAlignedSignedFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new Smb2MessageEncoder());
        Smb2Signer signer = Smb2Signer.create(Smb2Signer.AES_CMAC, KEY);
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Smb2Response r = response(request(Smb2Command.ECHO, i, i, 64), NtStatus.SUCCESS, 4, 0);
            r.signWith(signer);
            writes.add(ch.write(r));
            if (i < 63) {
                assertNull(ch.readOutbound(), "nothing is sent before the chain's last response (member " + i + ")");
            }
        }
        ch.flush();
        List<ByteBuf> frames = frames(ch);
        assertEquals(1, frames.size(), "one frame for the 64 responses");
        ByteBuf f = frames.get(0);
        assertEquals(64 * 72, f.readableBytes(), "64 messages of 64 + 4 bytes, each padded to 72");
        Smb2Signer verifier = Smb2Signer.create(Smb2Signer.AES_CMAC, KEY);
        for (int i = 0, off = 0; i < 64; i++, off += 72) {
            Smb2Header h = Smb2Header.decode(f.slice(off, 72));
            assertEquals(i, h.messageId());
            assertEquals(i < 63 ? 72 : 0, h.nextCommand(), "NextCommand of member " + i);
            assertTrue(h.isSigned());
            assertTrue(verifier.verify(f.slice(off, 72)), "member " + i + " is signed over its padding");
        }
        writes.forEach(w -> assertTrue(w.isSuccess(), "every member's write completes with the frame"));
        f.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void interimResponseSendsTheMembersBeforeItAndGoesAlone() {
        EmbeddedChannel ch = new EmbeddedChannel(new Smb2MessageEncoder());
        ch.write(response(request(Smb2Command.CREATE, 1, 0, 3), NtStatus.SUCCESS, 89, 0));
        ch.write(response(request(Smb2Command.CHANGE_NOTIFY, 2, 1, 3), NtStatus.PENDING, 9, 0x1234));
        ch.write(response(request(Smb2Command.QUERY_INFO, 3, 2, 3), NtStatus.SUCCESS, 9, 0));
        ch.flush();
        List<ByteBuf> frames = frames(ch);
        assertEquals(3, frames.size(), "the CREATE, the interim NOTIFY, the QUERY_INFO");
        assertEquals(160, frames.get(0).readableBytes(), "64 + 89 padded to 8");
        assertEquals(0, Smb2Header.decode(frames.get(0)).nextCommand());
        Smb2Header interim = Smb2Header.decode(frames.get(1));
        assertEquals(NtStatus.PENDING, interim.status());
        assertEquals(0x1234, interim.asyncId());
        assertEquals(80, frames.get(2).readableBytes(), "a compounded response is padded even when last");
        frames.forEach(ByteBuf::release);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void loneResponseIsNotPaddedAndNotHeld() {
        EmbeddedChannel ch = new EmbeddedChannel(new Smb2MessageEncoder());
        ch.write(response(request(Smb2Command.READ, 1, 0, 2), NtStatus.SUCCESS, 19, 0));
        ch.write(response(request(Smb2Command.READ, 9, 0, 1), NtStatus.SUCCESS, 19, 0));
        ch.flush();
        List<ByteBuf> frames = frames(ch);
        assertEquals(2, frames.size(), "the lone READ, then the chain whose last member had no response");
        assertEquals(64 + 19, frames.get(0).readableBytes(), "the lone READ goes first, unpadded");
        assertEquals(9, Smb2Header.decode(frames.get(0)).messageId());
        assertEquals(88, frames.get(1).readableBytes(), "64 + 19 padded to 88 (smb2.compound.compound-padding)");
        frames.forEach(ByteBuf::release);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void encryptedChainIsOneTransform() throws Exception {
        byte[] enc = new byte[16];
        byte[] dec = new byte[16];
        Arrays.fill(dec, (byte) 1);
        Smb2TransformCipher server = new Smb2TransformCipher(Smb2TransformCipher.AES_128_GCM, enc, dec);
        Smb2TransformCipher client = new Smb2TransformCipher(Smb2TransformCipher.AES_128_GCM, dec, enc);
        EmbeddedChannel ch = new EmbeddedChannel(new Smb2MessageEncoder());
        for (int i = 0; i < 3; i++) {
            Smb2Response r = response(request(Smb2Command.ECHO, i, i, 3), NtStatus.SUCCESS, 4, 0);
            r.encryptWith(server);
            ch.write(r);
        }
        ch.flush();
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            out.add(o);
        }
        assertEquals(1, out.size());
        Smb2Frame f = (Smb2Frame) out.get(0);
        assertTrue(f.cipher() == server);
        assertEquals(0x55, f.sessionId());
        ByteBuf transform = server.encrypt(ch.alloc(), f.content(), f.sessionId());
        ByteBuf plain = client.decrypt(ch.alloc(), transform);
        assertEquals(3 * 72, plain.readableBytes());
        assertEquals(72, Smb2Header.decode(plain).nextCommand());
        plain.release();
        transform.release();
        f.release();
        assertFalse(ch.finishAndReleaseAll());
    }
}
