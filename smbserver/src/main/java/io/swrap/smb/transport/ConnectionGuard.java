package io.swrap.smb.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.swrap.smb.config.ConnectionLimits;
import io.swrap.smb.state.Connection;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A connection's timers and back-pressure, right after the pipeline's head:
 * <ul>
 *   <li>{@code smbserver:pre-auth timeout}: closed if no session of it has logged on by then;</li>
 *   <li>{@code deadtime}: closed when it sent nothing for a whole period of that length (checked once per
 *       period, so after one to two of them) while it has no open file;</li>
 *   <li>{@code smbserver:max unsent bytes}: while the replies waiting for the peer are above it (the
 *       channel is not writable), the connection is not read, so a peer that never reads its replies
 *       cannot make the server queue them without end; reading resumes once they drained to half.</li>
 * </ul>
 * The timers run on whatever event loop the connection lives on by then (it moves at NEGOTIATE).
 */
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

    private final Connection conn;
    private final ConnectionLimits limits;
    /** Whether the peer sent anything since the last deadtime check. */
    private boolean readSinceCheck;

    public ConnectionGuard(Connection conn) {
        this.conn = conn;
        this.limits = conn.server().config().limits();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        ch.eventLoop().schedule(() -> onLoop(ch, this::checkLogon), limits.preauthTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        scheduleDeadtime(ch);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readSinceCheck = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        boolean writable = ch.isWritable();
        if (ch.config().isAutoRead() != writable) {
            LOG.fine(() -> (writable ? "reading " + ch.remoteAddress() + " again: unsent replies below half of "
                    : "not reading " + ch.remoteAddress() + ": unsent replies above ")
                    + limits.maxUnsentBytes() + " bytes (smbserver:max unsent bytes)");
            ch.config().setAutoRead(writable);
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Runs {@code check} on the connection's current loop, if it is still open. */
    private static void onLoop(Channel ch, java.util.function.Consumer<Channel> check) {
        if (!ch.isOpen()) {
            return;
        }
        if (!ch.eventLoop().inEventLoop()) {
            ch.eventLoop().execute(() -> onLoop(ch, check));
            return;
        }
        check.accept(ch);
    }

    private void checkLogon(Channel ch) {
        if (!conn.hasValidSession()) {
            LOG.info("closing connection from " + ch.remoteAddress() + ": no session logged on within "
                    + limits.preauthTimeout().toSeconds() + " s (smbserver:pre-auth timeout)");
            ch.close();
        }
    }

    /** A check every {@code deadtime}: a connection silent for one whole period is closed (after 1 to 2 of them). */
    private void scheduleDeadtime(Channel ch) {
        if (limits.deadtime().isZero()) {
            return;
        }
        ch.eventLoop().schedule(() -> onLoop(ch, this::checkDeadtime), limits.deadtime().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void checkDeadtime(Channel ch) {
        if (readSinceCheck || conn.hasOpenFiles()) {
            readSinceCheck = false;
            scheduleDeadtime(ch);
            return;
        }
        LOG.info("closing connection from " + ch.remoteAddress() + ": idle for " + limits.deadtime().toMinutes()
                + " min without open files (deadtime)");
        ch.close();
    }
}
