package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes an {@link Smb2Response} as header + body, signs it when asked ([MS-SMB2] 3.1.4.1: the
 * signature covers the whole message with a zero Signature field, SMB2_FLAGS_SIGNED set) and hands
 * the bytes on as an {@link Smb2Frame} for the transform step. Each response travels in its own
 * frame: clients match responses by MessageId, so compound requests need not get compound responses.
 */
public final class Smb2MessageEncoder extends MessageToMessageEncoder<Smb2Response> {
    public Smb2MessageEncoder() {
        super(Smb2Response.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Smb2Response msg, List<Object> out) {
        ByteBuf body = msg.content();
        ByteBuf buf = ctx.alloc().buffer(Smb2Header.SIZE + body.readableBytes());
        msg.header().encode(buf);
        buf.writeBytes(body, body.readerIndex(), body.readableBytes());
        if (msg.signer() != null) {
            buf.setBytes(Smb2Header.SIGNATURE_OFFSET, msg.signer().sign(buf));
        }
        if (msg.onEncoded() != null) {
            msg.onEncoded().accept(buf);
        }
        out.add(msg.cipher() != null ? Smb2Frame.toEncrypt(buf, msg.cipher(), msg.sessionId()) : Smb2Frame.plain(buf));
    }
}
