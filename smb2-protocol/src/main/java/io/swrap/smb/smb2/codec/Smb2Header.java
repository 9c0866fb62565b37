package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.1 SMB2 Packet Header (64 bytes, little-endian). Sync and async forms share the
 * layout; bytes 32..39 are either Reserved(4)+TreeId(4) or AsyncId(8), chosen by SMB2_FLAGS_ASYNC_COMMAND.
 *
 * @param creditCharge CreditCharge (2)
 * @param status Status (4) in responses; ChannelSequence(2)+Reserved(2) in 3.x requests
 * @param command Command (2)
 * @param credits CreditRequest/CreditResponse (2)
 * @param flags Flags (4)
 * @param nextCommand NextCommand (4): offset of the next compounded message, 0 for the last
 * @param messageId MessageId (8)
 * @param asyncId AsyncId (8), only with SMB2_FLAGS_ASYNC_COMMAND
 * @param treeId TreeId (4), only without SMB2_FLAGS_ASYNC_COMMAND
 * @param sessionId SessionId (8)
 */
public record Smb2Header(int creditCharge, int status, int command, int credits, int flags, int nextCommand,
        long messageId, long asyncId, int treeId, long sessionId) {

    public static final int SIZE = 64;
    /** ProtocolId 0xFE 'S' 'M' 'B' read as a little-endian int. */
    public static final int PROTOCOL_ID = 0x424D53FE;
    /** NextCommand: the offset of the next message of a compound chain, 0 for the last. */
    public static final int NEXT_COMMAND_OFFSET = 20;
    public static final int SIGNATURE_OFFSET = 48;
    public static final int SIGNATURE_SIZE = 16;

    public static final int FLAGS_SERVER_TO_REDIR = 0x00000001;
    public static final int FLAGS_ASYNC_COMMAND = 0x00000002;
    public static final int FLAGS_RELATED_OPERATIONS = 0x00000004;
    public static final int FLAGS_SIGNED = 0x00000008;
    public static final int FLAGS_PRIORITY_MASK = 0x00000070;
    public static final int FLAGS_DFS_OPERATIONS = 0x10000000;
    public static final int FLAGS_REPLAY_OPERATION = 0x20000000;

    /** Decodes the header at {@code buf}'s reader index without moving it; the caller checked 64 readable bytes. */
    public static Smb2Header decode(ByteBuf buf) {
        int i = buf.readerIndex();
        int flags = buf.getIntLE(i + 16);
        boolean async = (flags & FLAGS_ASYNC_COMMAND) != 0;
        return new Smb2Header(
                buf.getUnsignedShortLE(i + 6),
                buf.getIntLE(i + 8),
                buf.getUnsignedShortLE(i + 12),
                buf.getUnsignedShortLE(i + 14),
                flags,
                buf.getIntLE(i + 20),
                buf.getLongLE(i + 24),
                async ? buf.getLongLE(i + 32) : 0,
                async ? 0 : buf.getIntLE(i + 36),
                buf.getLongLE(i + 40));
    }

    /** Writes this header with a zero Signature; the signing step fills it in. */
    public void encode(ByteBuf out) {
        out.writeIntLE(PROTOCOL_ID);
        out.writeShortLE(SIZE); // StructureSize: "MUST be set to 64"
        out.writeShortLE(creditCharge);
        out.writeIntLE(status);
        out.writeShortLE(command);
        out.writeShortLE(credits);
        out.writeIntLE(flags);
        out.writeIntLE(nextCommand);
        out.writeLongLE(messageId);
        if ((flags & FLAGS_ASYNC_COMMAND) != 0) {
            out.writeLongLE(asyncId);
        } else {
            out.writeIntLE(0); // Reserved
            out.writeIntLE(treeId);
        }
        out.writeLongLE(sessionId);
        out.writeZero(SIGNATURE_SIZE);
    }

    public boolean isAsync() {
        return (flags & FLAGS_ASYNC_COMMAND) != 0;
    }

    public boolean isRelated() {
        return (flags & FLAGS_RELATED_OPERATIONS) != 0;
    }

    public boolean isSigned() {
        return (flags & FLAGS_SIGNED) != 0;
    }
}
