package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@link Smb2Response}s as header + body, signs them when asked ([MS-SMB2] 3.1.4.1: the signature
 * covers the whole message with a zero Signature field, SMB2_FLAGS_SIGNED set) and hands the bytes on as an
 * {@link Smb2Frame} for the transform step.
 *
 * <p>A response to a request that shared its frame with others ({@link Smb2Response#compounded()}) is held
 * until the response to the frame's last request is written (or the channel is flushed): "the server MUST
 * send the responses ... compounded" (3.3.5.2.7, 3.3.4.1.3). Each held message is padded to a multiple of 8
 * bytes, carries the offset of the next one in NextCommand (0 for the last) and is signed with its padding
 * (3.1.4.1: "any padding at the end of the message MUST be used in the hash computation"); the chain is
 * encrypted as one transform message when its members are (3.3.4.1.4). The last member is padded too, as
 * Samba does (smbtorture smb2.compound.compound-padding checks it). An interim response (STATUS_PENDING) of a
 * chain member first sends the members held so far and then goes out alone, and a response outside any chain
 * (a lone request, an async final response, a break notification) is never held.
 */
public final class Smb2MessageEncoder extends ChannelOutboundHandlerAdapter {
    /** Compounded responses waiting for the rest of their chain, with their write promises. */
    private final List<Smb2Response> held = new ArrayList<>();
    private final List<ChannelPromise> heldPromises = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Smb2Response resp)) {
            ctx.write(msg, promise);
            return;
        }
        if (resp.compounded() && resp.asyncId() == 0) {
            held.add(resp);
            heldPromises.add(promise);
            if (resp.lastInChain()) {
                writeHeld(ctx);
            }
            return;
        }
        if (resp.compounded() && resp.status() == NtStatus.PENDING) {
            // the members answered before this one stay ahead of its interim response
            writeHeld(ctx);
        }
        try {
            ctx.write(encode(ctx, List.of(resp)), promise);
        } finally {
            resp.release();
        }
    }

    /** A flush sends a held chain whose last member has no response (or was interrupted by another flush). */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeHeld(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        dropHeld(new java.nio.channels.ClosedChannelException());
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropHeld(new java.nio.channels.ClosedChannelException());
    }

    private void dropHeld(Throwable cause) {
        for (int i = 0; i < held.size(); i++) {
            ReferenceCountUtil.release(held.get(i));
            heldPromises.get(i).tryFailure(cause);
        }
        held.clear();
        heldPromises.clear();
    }

    /**
     * Writes the held chain: one frame per run of members that share their encryption (all of them, unless a
     * member of an encrypted chain is answered unencrypted because its session has no keys here).
     */
    private void writeHeld(ChannelHandlerContext ctx) {
        int start = 0;
        while (start < held.size()) {
            int end = start + 1;
            while (end < held.size() && sameTransform(held.get(start), held.get(end))) {
                end++;
            }
            List<Smb2Response> run = List.copyOf(held.subList(start, end));
            List<ChannelPromise> promises = List.copyOf(heldPromises.subList(start, end));
            Smb2Frame frame;
            try {
                frame = encode(ctx, run);
            } finally {
                run.forEach(ReferenceCountUtil::release);
            }
            ctx.write(frame).addListener(f -> {
                for (ChannelPromise p : promises) {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }
            });
            start = end;
        }
        held.clear();
        heldPromises.clear();
    }

    private static boolean sameTransform(Smb2Response a, Smb2Response b) {
        return a.cipher() == b.cipher() && (a.cipher() == null || a.transformSessionId() == b.transformSessionId());
    }

    /**
     * Encodes {@code chain} (one response, or the members of one compound response) into one frame; a chain of
     * more than one message, or a compounded response, is padded and linked by NextCommand.
     */
    static Smb2Frame encode(ChannelHandlerContext ctx, List<Smb2Response> chain) {
        boolean pad = chain.size() > 1 || chain.get(0).compounded();
        int size = 0;
        for (Smb2Response r : chain) {
            size += padded(Smb2Header.SIZE + r.content().readableBytes(), pad);
        }
        ByteBuf buf = ctx.alloc().buffer(size);
        for (int i = 0; i < chain.size(); i++) {
            Smb2Response r = chain.get(i);
            int start = buf.writerIndex();
            ByteBuf body = r.content();
            r.header().encode(buf);
            buf.writeBytes(body, body.readerIndex(), body.readableBytes());
            int length = padded(buf.writerIndex() - start, pad);
            buf.writeZero(length - (buf.writerIndex() - start));
            if (i < chain.size() - 1) {
                buf.setIntLE(start + Smb2Header.NEXT_COMMAND_OFFSET, length);
            }
            ByteBuf message = buf.slice(start, length);
            if (r.signer() != null) {
                buf.setBytes(start + Smb2Header.SIGNATURE_OFFSET, r.signer().sign(message));
            }
            if (r.onEncoded() != null) {
                r.onEncoded().accept(message);
            }
        }
        Smb2Response first = chain.get(0);
        return first.cipher() != null ? Smb2Frame.toEncrypt(buf, first.cipher(), first.transformSessionId())
                : Smb2Frame.plain(buf);
    }

    private static int padded(int length, boolean pad) {
        return pad ? (length + 7) & ~7 : length;
    }
}
