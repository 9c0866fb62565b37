package io.swrap.smb.smb2.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2NegotiateRequest;
import io.swrap.smb.smb2.codec.Smb2Request;
import io.swrap.smb.state.Connection;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * The client step, just before dispatch: a NEGOTIATE that will settle on dialect 2.1 or later makes the
 * connection join the {@link io.swrap.smb.state.Client} of its ClientGuid ([MS-SMB2] 3.3.5.4
 * "Connection.ClientGuid"). When that client lives on another event loop, the channel first moves there
 * — {@code deregister()}, then {@code register()} with the owner loop — and the NEGOTIATE, with anything
 * that arrived behind it, is processed after the move. This is Samba's connection passing at NEGOTIATE
 * (the smbd owning a ClientGuid receives the socket and the NEGOTIATE bytes and replays them), inside one
 * process: every connection, session and channel of a client is then touched by one thread, without locks.
 */
public final class ClientAffinity extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ClientAffinity.class.getName());
    private final Connection conn;
    /** Messages that arrived while the channel moves, the NEGOTIATE first; null when not moving. */
    private ArrayDeque<Object> held;

    public ClientAffinity(Connection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
            return;
        }
        EventLoop owner = ownerLoop(msg);
        if (owner == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        held = new ArrayDeque<>();
        held.add(msg);
        move(ctx, owner);
    }

    /** The loop this connection must move to before {@code msg} is processed, or null (joined, or no NEGOTIATE). */
    private EventLoop ownerLoop(Object msg) {
        if (!(msg instanceof Smb2Request req) || req.command() != Smb2Command.NEGOTIATE
                || !req.decoderResult().isSuccess() || conn.client() != null || conn.negotiated()) {
            return null;
        }
        Smb2NegotiateRequest n;
        try {
            n = Smb2NegotiateRequest.decode(req);
        } catch (Smb2Exception e) {
            return null; // malformed: the NEGOTIATE handler decodes it again and answers with the reason
        }
        if (NegotiateHandler.dialect(conn.server().config(), n) < Smb2Dialect.SMB2_10) {
            return null; // 2.0.2 clients send no ClientGuid ([MS-SMB2] 2.2.3: "MUST be zero")
        }
        return conn.joinClient(HexFormat.of().formatHex(n.clientGuid()));
    }

    private void move(ChannelHandlerContext ctx, EventLoop owner) {
        Channel ch = ctx.channel();
        LOG.fine(() -> "moving the connection from " + ch.remoteAddress() + " to " + owner
                + ", the event loop of its ClientGuid");
        ch.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                failMove(ctx, owner, d.cause());
                return;
            }
            owner.register(ch).addListener(r -> {
                if (!r.isSuccess()) {
                    failMove(ctx, owner, r.cause());
                    return;
                }
                // now on the owner loop: replay in order; the NEGOTIATE joins (or, rarely, moves again)
                ArrayDeque<Object> q = held;
                held = null;
                while (!q.isEmpty()) {
                    channelRead(ctx, q.poll());
                }
            });
        });
    }

    private void failMove(ChannelHandlerContext ctx, EventLoop owner, Throwable cause) {
        releaseHeld();
        ctx.fireExceptionCaught(new IllegalStateException("cannot move the connection from "
                + ctx.channel().remoteAddress() + " to the event loop of its ClientGuid (" + owner + ")", cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
