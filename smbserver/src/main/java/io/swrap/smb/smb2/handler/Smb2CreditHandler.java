package io.swrap.smb.smb2.handler;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Request;
import io.swrap.smb.smb2.codec.Smb2Response;
import io.swrap.smb.state.Connection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The credits step ([MS-SMB2] 3.3.5.2.3 and 3.3.1.2): inbound, each request's MessageId range must lie in
 * the window the server granted (CANCEL does not consume one), else the connection is terminated as the
 * specification requires, and its CreditCharge must cover its size
 * (3.3.5.2.5); outbound, each response grants credits
 * as the client asked, within {@link io.swrap.smb.state.CreditWindow#MAX_CREDITS}.
 */
public final class Smb2CreditHandler extends ChannelDuplexHandler {
    private static final Logger LOG = Logger.getLogger(Smb2CreditHandler.class.getName());
    private final Connection conn;

    public Smb2CreditHandler(Connection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (conn.terminated()) {
            io.netty.util.ReferenceCountUtil.release(msg); // the rest of a frame whose connection was ended
            return;
        }
        if (msg instanceof Smb2Request req && req.command() != Smb2Command.CANCEL) {
            String error = conn.credits().consume(req.messageId(), req.header().creditCharge());
            if (error != null) {
                // 3.3.5.2.3: "If the MessageId is not valid, the server MUST terminate the connection."
                conn.peerLog().log(LOG, Level.WARNING, () -> "closing the connection: " + req + ": " + error);
                req.release();
                conn.terminate();
                return;
            }
            checkCharge(req);
        } else if (msg instanceof io.swrap.smb.smb2.codec.Smb1NegotiateRequest) {
            conn.credits().consume(0, 1);
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * 3.3.5.2.5: with multi-credit (2.1 and later), "CreditCharge ... MUST be ... (max(SendPayloadSize,
     * ExpectedResponseSize) - 1) / 65536 + 1"; a request that asks for more than it paid for is refused.
     */
    private void checkCharge(Smb2Request req) {
        if (conn.dialect() == io.swrap.smb.smb2.codec.Smb2Dialect.SMB2_02 || !conn.negotiated()) {
            return; // 2.0.2 has no CreditCharge; its sizes are bounded by the 64 KiB maxima instead
        }
        long payload = payloadSize(req);
        long needed = payload == 0 ? 1 : (payload - 1) / 65536 + 1;
        int charge = Math.max(req.header().creditCharge(), 1);
        if (charge < needed) {
            req.fail(NtStatus.INVALID_PARAMETER, req + " moves " + payload + " bytes with CreditCharge "
                    + req.header().creditCharge() + " (expected: >= " + needed + ")");
        }
    }

    /** The larger of the request's payload and the response it asks for, from the body's length fields. */
    private static long payloadSize(Smb2Request req) {
        var m = req.content();
        int b = io.swrap.smb.smb2.codec.Smb2Header.SIZE;
        int len = m.readableBytes() - b;
        return switch (req.command()) {
            case Smb2Command.READ -> len >= 8 ? m.getUnsignedIntLE(b + 4) : 0;
            case Smb2Command.WRITE -> len >= 8 ? m.getUnsignedIntLE(b + 4) : 0;
            case Smb2Command.IOCTL -> len >= 48 ? Math.max(m.getUnsignedIntLE(b + 28), m.getUnsignedIntLE(b + 44)) : 0;
            case Smb2Command.QUERY_DIRECTORY -> len >= 32 ? m.getUnsignedIntLE(b + 28) : 0;
            case Smb2Command.CHANGE_NOTIFY -> len >= 8 ? m.getUnsignedIntLE(b + 4) : 0;
            case Smb2Command.QUERY_INFO -> len >= 16 ? Math.max(m.getUnsignedIntLE(b + 4), m.getUnsignedIntLE(b + 12)) : 0;
            case Smb2Command.SET_INFO -> len >= 8 ? m.getUnsignedIntLE(b + 4) : 0;
            default -> 0;
        };
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Smb2Response resp) {
            // Samba grants an async request's credits in its interim response and none in the final one.
            // a break notification (MessageId all ones) answers no request and grants nothing
            resp.creditsGranted(resp.isAsyncFinal() || resp.messageId() == -1L ? 0
                    : conn.credits().grant(resp.creditRequest(), resp.creditCharge()));
        }
        ctx.write(msg, promise);
    }
}
