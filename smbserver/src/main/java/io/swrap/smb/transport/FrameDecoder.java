package io.swrap.smb.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.swrap.smb.config.ConnectionLimits;
import io.swrap.smb.state.Connection;
import java.util.List;

/**
 * Direct TCP framing ([MS-SMB2] 2.1: a zero byte, a 3-byte length, the message), bounded before any
 * byte of the message is kept: the length must fit {@code smbserver:max pre-auth frame} until the
 * connection has a logged-on session and {@code smbserver:max frame} after, and it is reserved from the
 * server's {@code smbserver:max buffered bytes} until the frame is complete. A frame that does not fit
 * closes the connection. Before logon the partial frame is kept in one buffer; after, as a composite of
 * the read buffers, so that large WRITEs are handed on without copying. Each small read still comes in a
 * buffer of its own (at least 512 bytes, the receive allocator's minimum): past {@link #MAX_COMPONENTS}
 * of them the composite is copied into one, so a peer trickling a byte at a time pins at most that many.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    static final int HEADER = 4;
    static final int MAX_COMPONENTS = 1024;

    private static final Cumulator BOUNDED_COMPOSITE = FrameDecoder::cumulateComposite;

    private final Connection conn;
    private final Admission admission;
    /** The length of the frame being received, or -1 before its header. */
    private int length = -1;
    private long reserved;
    private boolean refused;

    public FrameDecoder(Connection conn) {
        this.conn = conn;
        this.admission = conn.server().admission();
        setCumulator(MERGE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (length < 0) {
            if (in.readableBytes() < HEADER) {
                return;
            }
            int header = in.getInt(in.readerIndex());
            if ((header >>> 24) != 0) {
                throw refuse(in, new CorruptedFrameException("frame starts 0x" + Integer.toHexString(header)
                        + ": not direct TCP (expected: a zero byte, then a 3-byte length)"));
            }
            int len = header & ConnectionLimits.PROTOCOL_MAX_FRAME;
            ConnectionLimits l = admission.limits();
            boolean loggedOn = conn.hasValidSession();
            int max = loggedOn ? l.maxFrame() : l.maxPreauthFrame();
            if (len > max) {
                throw refuse(in, new TooLongFrameException("frame of " + len + " bytes " + (loggedOn
                        ? "above smbserver:max frame " : "before logon, above smbserver:max pre-auth frame ") + max));
            }
            if (!admission.tryReserve(len)) {
                throw refuse(in, new TooLongFrameException("frame of " + len + " bytes does not fit the "
                        + l.maxBufferedBytes() + " bytes all connections may be receiving"
                        + " (smbserver:max buffered bytes)"));
            }
            reserved = len;
            length = len;
            // the cumulation so far holds at most this header and a little more: switching is cheap here
            setCumulator(loggedOn ? BOUNDED_COMPOSITE : MERGE_CUMULATOR);
        }
        if (in.readableBytes() < HEADER + length) {
            return;
        }
        in.skipBytes(HEADER);
        out.add(in.readRetainedSlice(length));
        length = -1;
        releaseReservation();
    }

    private Exception refuse(ByteBuf in, Exception e) {
        refused = true;
        in.skipBytes(in.readableBytes());
        return e;
    }

    private void releaseReservation() {
        if (reserved > 0) {
            admission.release(reserved);
            reserved = 0;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseReservation();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            releaseReservation();
        }
    }

    /** Netty's composite cumulation, with at most {@link #MAX_COMPONENTS} components (then consolidated). */
    private static ByteBuf cumulateComposite(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (!cumulation.isReadable()) {
            cumulation.release();
            return in;
        }
        CompositeByteBuf composite = null;
        try {
            if (cumulation instanceof CompositeByteBuf c && cumulation.refCnt() == 1
                    && c.maxNumComponents() == MAX_COMPONENTS) {
                composite = c;
                if (composite.writerIndex() != composite.capacity()) {
                    composite.capacity(composite.writerIndex());
                }
            } else {
                composite = alloc.compositeBuffer(MAX_COMPONENTS).addFlattenedComponents(true, cumulation);
            }
            composite.addFlattenedComponents(true, in);
            in = null;
            return composite;
        } finally {
            if (in != null) {
                in.release();
                if (composite != null && composite != cumulation) {
                    composite.release();
                }
            }
        }
    }
}
