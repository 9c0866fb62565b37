package io.swrap.smb.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * The head of a connection's pipeline: counts the bytes handed to the kernel, so that with the send
 * queue's size the server knows how much the peer has taken in. A message is "acknowledged" (read by
 * the peer, or ACKed by its TCP) once {@link #consumed()} reaches the count {@link #written()} had when
 * its write completed. Used from the channel's event loop only.
 */
public final class AckTracker extends ChannelOutboundHandlerAdapter {
    private long written;
    private int fd = -1;
    /** FSCTL_SMBTORTURE_FORCE_UNACKED_TIMEOUT: treat everything as never acknowledged (a test's "blocked" link). */
    private boolean forceUnacked;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            int n = buf.readableBytes();
            ChannelPromise p = promise.unvoid();
            p.addListener((GenericFutureListener<Future<Void>>) f -> {
                if (f.isSuccess()) {
                    written += n;
                }
            });
            ctx.write(msg, p);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Bytes handed to the kernel so far (the promises of writes complete in order). */
    public long written() {
        return written;
    }

    /** Bytes the peer has taken in so far; never more than it has. */
    public long consumed(io.netty.channel.Channel ch) {
        if (forceUnacked) {
            return 0;
        }
        if (fd < 0) {
            fd = SendQueue.fd(ch);
        }
        return written - SendQueue.unsent(fd);
    }

    public void forceUnacked() {
        this.forceUnacked = true;
    }

    public boolean isForceUnacked() {
        return forceUnacked;
    }
}
