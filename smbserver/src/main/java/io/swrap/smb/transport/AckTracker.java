package io.swrap.smb.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The head of a connection's pipeline: counts the bytes written to the connection, so that with what
 * still waits in Netty's outbound buffer and in the kernel's send queue the server knows how much the
 * peer has taken in. A message is "acknowledged" (read by the peer, or ACKed by its TCP) once
 * {@link #consumed} reaches {@link #queued()} as it was right after the message was written. Counting
 * is one addition per write; the buffers are only looked at while a break waits. Event loop only.
 */
public final class AckTracker extends ChannelOutboundHandlerAdapter {
    private long queued;
    private int fd = -1;
    /** FSCTL_SMBTORTURE_FORCE_UNACKED_TIMEOUT: treat everything as never acknowledged (a test's "blocked" link). */
    private boolean forceUnacked;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            queued += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }

    /** Bytes written to the connection so far, whether or not they have left Netty yet. */
    public long queued() {
        return queued;
    }

    /**
     * Bytes the peer has taken in so far; never more than it has (Netty's pending count includes a
     * per-message overhead and a unix socket's send queue counts buffer memory, both only ever too high).
     */
    public long consumed(Channel ch) {
        if (forceUnacked) {
            return 0;
        }
        if (fd < 0) {
            fd = SendQueue.fd(ch);
        }
        ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
        long inNetty = pending == null ? 0 : pending.totalPendingWriteBytes();
        return queued - inNetty - SendQueue.unsent(fd);
    }

    public void forceUnacked() {
        this.forceUnacked = true;
    }

    public boolean isForceUnacked() {
        return forceUnacked;
    }
}
