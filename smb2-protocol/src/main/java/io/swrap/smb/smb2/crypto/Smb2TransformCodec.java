package io.swrap.smb.smb2.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageCodec;
import io.swrap.smb.smb2.codec.Smb2Frame;
import java.util.List;
import java.util.function.LongFunction;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * The transform step: inbound frames that start with an SMB2 TRANSFORM_HEADER are decrypted with
 * their session's keys ([MS-SMB2] 3.3.5.2.1.1); outbound frames that name a cipher are encrypted.
 * "If the decryption fails, the server MUST disconnect the connection": so does this step, by
 * throwing, which the connection's exception handler logs with the reason before closing.
 */
public final class Smb2TransformCodec extends MessageToMessageCodec<ByteBuf, Smb2Frame> {
    private final LongFunction<Smb2TransformCipher> ciphers;

    /** @param ciphers the cipher of a SessionId on this connection, or null when it has none */
    public Smb2TransformCodec(LongFunction<Smb2TransformCipher> ciphers) {
        super(ByteBuf.class, Smb2Frame.class);
        this.ciphers = ciphers;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws InvalidCipherTextException {
        if (in.readableBytes() < 4 || in.getIntLE(in.readerIndex()) != Smb2TransformCipher.PROTOCOL_ID) {
            out.add(Smb2Frame.plain(in.retain()));
            return;
        }
        if (in.readableBytes() < Smb2TransformCipher.HEADER_SIZE) {
            throw new CorruptedFrameException("transform message of " + in.readableBytes() + " bytes (expected: >= 52)");
        }
        long sessionId = Smb2TransformCipher.sessionIdOf(in);
        Smb2TransformCipher cipher = ciphers.apply(sessionId);
        if (cipher == null) {
            throw new CorruptedFrameException("encrypted message for SessionId 0x" + Long.toHexString(sessionId)
                    + ", which has no encryption keys on this connection");
        }
        out.add(Smb2Frame.decrypted(cipher.decrypt(ctx.alloc(), in), sessionId));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Smb2Frame msg, List<Object> out) {
        if (msg.cipher() == null) {
            out.add(msg.content().retain());
        } else {
            out.add(msg.cipher().encrypt(ctx.alloc(), msg.content(), msg.sessionId()));
        }
    }
}
