package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.io.IOException;
import java.util.function.Supplier;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * The receive path of [MS-SMB2] 3.2.5.1: decrypt a TRANSFORM_HEADER (3.2.5.1.1), check the header,
 * take the granted credits (3.2.5.1.4), verify the signature (3.2.5.1.3), absorb interim responses
 * (3.2.5.1.5) and complete the request's future. A broken frame fails the whole connection with the
 * reason; a bad signature fails only its request.
 */
final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {
    /** MessageId of unsolicited oplock/lease breaks (2.2.23); this client requests oplocks only when asked to. */
    private static final long UNSOLICITED = -1L;
    private static final int OPLOCK_BREAK_SIZE = 24;
    private static final int LEASE_BREAK_SIZE = 44;

    private final Supplier<Connection> connection;

    ResponseHandler(Supplier<Connection> connection) {
        this.connection = connection;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws IOException {
        Connection conn = connection.get();
        boolean encrypted = frame.readableBytes() >= 4 && frame.getIntLE(frame.readerIndex()) == Smb2TransformCipher.PROTOCOL_ID;
        ByteBuf msg = encrypted ? decrypt(conn, frame) : Unpooled.wrappedBuffer(ByteBufUtil.getBytes(frame));
        if (msg.readableBytes() < Smb2Header.SIZE || msg.getIntLE(0) != Smb2Header.PROTOCOL_ID) {
            throw new IOException("frame of " + msg.readableBytes() + " bytes from " + conn.server
                    + " is no SMB2 message (ProtocolId 0x" + (msg.readableBytes() >= 4 ? Integer.toHexString(msg.getIntLE(0)) : "?")
                    + ", expected 0x424d53fe)");
        }
        Smb2Header h = Smb2Header.decode(msg);
        if ((h.flags() & Smb2Header.FLAGS_SERVER_TO_REDIR) == 0 || h.nextCommand() != 0) {
            // This client sends no compounds, so every response is alone in its frame.
            throw new IOException("unexpected message from " + conn.server + ": " + Smb2Command.name(h.command())
                    + " flags 0x" + Integer.toHexString(h.flags()) + " NextCommand " + h.nextCommand()
                    + " (expected: a single response)");
        }
        if (h.messageId() == UNSOLICITED && h.command() == Smb2Command.OPLOCK_BREAK
                && msg.readableBytes() >= Smb2Header.SIZE + OPLOCK_BREAK_SIZE
                && msg.getUnsignedShortLE(Smb2Header.SIZE) == OPLOCK_BREAK_SIZE) {
            // 2.2.23.1: StructureSize, OplockLevel, Reserved, Reserved2, FileId
            conn.oplockBreak(new OplockBreak(msg.getByte(Smb2Header.SIZE + 2) & 0xff,
                    msg.getLongLE(Smb2Header.SIZE + 8), conn.server));
            return;
        }
        if (h.messageId() == UNSOLICITED && h.command() == Smb2Command.OPLOCK_BREAK
                && msg.readableBytes() >= Smb2Header.SIZE + LEASE_BREAK_SIZE
                && msg.getUnsignedShortLE(Smb2Header.SIZE) == LEASE_BREAK_SIZE) {
            // 2.2.23.2: StructureSize, NewEpoch, Flags, LeaseKey, CurrentLeaseState, NewLeaseState, ...
            byte[] key = new byte[16];
            msg.getBytes(Smb2Header.SIZE + 8, key);
            conn.leaseBreak(new LeaseBreak(key, msg.getIntLE(Smb2Header.SIZE + 24), msg.getIntLE(Smb2Header.SIZE + 28),
                    (msg.getIntLE(Smb2Header.SIZE + 4) & 0x1) != 0, conn.server));
            return;
        }
        if (h.messageId() == UNSOLICITED) {
            throw new IOException("unsolicited " + Smb2Command.name(h.command()) + " from " + conn.server
                    + ": this client requests no oplocks or leases");
        }
        conn.granted(h.credits());
        Response r = new Response(h, msg, encrypted);
        if (h.status() == NtStatus.PENDING && h.isAsync()) {
            return; // 3.2.5.1.5: the final response follows with the same MessageId
        }
        IOException bad = verify(conn, r);
        if (bad != null) {
            conn.fail(h.messageId(), bad);
            return;
        }
        conn.complete(r);
    }

    private static ByteBuf decrypt(Connection conn, ByteBuf frame) throws IOException {
        if (frame.readableBytes() < Smb2TransformCipher.HEADER_SIZE) {
            throw new IOException("transform message of " + frame.readableBytes() + " bytes (expected: >= 52)");
        }
        long sid = Smb2TransformCipher.sessionIdOf(frame);
        Session s = conn.sessions.get(sid);
        if (s == null || s.cipher() == null) {
            throw new IOException("encrypted message from " + conn.server + " for SessionId 0x" + Long.toHexString(sid)
                    + ", which has no keys on this connection");
        }
        try {
            return s.cipher().decrypt(UnpooledByteBufAllocator.DEFAULT, frame);
        } catch (InvalidCipherTextException e) {
            // 3.2.5.1.1: "If the decryption fails, the client MUST discard the message" — we cannot tell which
            // request it answered, so the connection is failed.
            throw new IOException("decryption of a message from " + conn.server + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * 3.2.5.1.3: a signed response of a session with keys must verify, with the key of the channel it came on;
     * when the session requires signing,
     * an unsigned, unencrypted response is refused. SESSION_SETUP responses are checked by the session
     * itself, which derives its keys from them.
     */
    private static IOException verify(Connection conn, Response r) {
        Smb2Header h = r.header();
        Session s = conn.sessions.get(h.sessionId());
        Smb2Signer verifier = s == null ? null : s.verifier(conn);
        if (verifier == null || r.encrypted() || h.command() == Smb2Command.SESSION_SETUP) {
            return null;
        }
        if (h.isSigned()) {
            return verifier.verify(r.message()) ? null : new IOException("bad signature on " + r + " from "
                    + conn.server);
        }
        if (s.signingRequired()) {
            return new IOException("unsigned " + r + " from " + conn.server + " on a session that requires signing");
        }
        return null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Connection conn = connection.get();
        IOException e = cause instanceof IOException io ? io : new IOException("client bug: " + cause, cause);
        if (conn == null) {
            ctx.fireExceptionCaught(cause); // before NEGOTIATE: Netty's tail handler logs it
            ctx.close();
            return;
        }
        conn.fail(e);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Connection conn = connection.get();
        if (conn != null) {
            conn.fail(new IOException("connection to " + conn.server + " closed"));
        }
    }
}
