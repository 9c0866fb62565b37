package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a frame into its SMB2 messages ([MS-SMB2] 3.3.5.2.7): each ends at its NextCommand offset
 * ("8-byte aligned") or at the end of the frame. Members of a related chain inherit SessionId and
 * TreeId from the previous member (3.3.5.2.7.2). A member whose NextCommand is bad is still passed on,
 * marked failed, so that it is answered with STATUS_INVALID_PARAMETER; the rest of the frame is dropped.
 * A frame too short to hold even one header has no MessageId to answer: it closes the connection.
 * An SMB1 frame becomes an {@link Smb1NegotiateRequest} if it is SMB_COM_NEGOTIATE.
 */
public final class Smb2CompoundDecoder extends MessageToMessageDecoder<Smb2Frame> {
    private static final int SMB1_PROTOCOL_ID = 0x424D53FF;
    private static final int SMB1_HEADER_SIZE = 32;
    private static final int SMB1_COM_NEGOTIATE = 0x72;
    /**
     * Messages accepted in one frame. [MS-SMB2] sets no limit; clients compound a handful (Windows' and
     * Samba's clients at most a few, smbtorture's compound tests under 20). A frame with more is refused whole,
     * by closing the connection, before any of it is processed: answering thousands of members would turn one
     * frame into thousands of responses.
     */
    public static final int MAX_COMPOUND_MESSAGES = 64;

    public Smb2CompoundDecoder() {
        super(Smb2Frame.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Smb2Frame frame, List<Object> out) {
        ByteBuf buf = frame.content();
        if (buf.readableBytes() >= 4 && buf.getIntLE(buf.readerIndex()) == SMB1_PROTOCOL_ID && !frame.encrypted()) {
            out.add(decodeSmb1(buf));
            return;
        }
        int offset = buf.readerIndex();
        int end = buf.writerIndex();
        checkChainLength(buf, offset, end);
        long sessionId = 0;
        int treeId = 0;
        boolean first = true;
        while (offset < end) {
            int remaining = end - offset;
            if (remaining < Smb2Header.SIZE || buf.getIntLE(offset) != Smb2Header.PROTOCOL_ID) {
                if (first) {
                    throw new CorruptedFrameException("frame of " + remaining + " bytes starting 0x"
                            + Integer.toHexString(remaining >= 4 ? buf.getIntLE(offset) : 0)
                            + " is not an SMB2 message (expected: ProtocolId 0xFE 'SMB' and >= 64 bytes)");
                }
                // Padding or garbage after a message whose NextCommand pointed here: already answered.
                return;
            }
            Smb2Header h = Smb2Header.decode(buf.slice(offset, remaining));
            int next = h.nextCommand();
            boolean badNext = next != 0 && (next < Smb2Header.SIZE || next > remaining || (next & 7) != 0);
            int length = next == 0 || badNext ? remaining : next;
            // Related members use "the SessionId and TreeId of the previous operation" (3.3.5.2.7.2).
            if (!h.isRelated() || first) {
                sessionId = h.sessionId();
                treeId = h.treeId();
            }
            boolean last = next == 0 || badNext;
            Smb2Request req = new Smb2Request(buf.retainedSlice(offset, length), h, frame.encrypted(),
                    sessionId, treeId, last, !(first && last));
            if (first && h.isRelated()) {
                // Samba and Windows: "passing the first request with the related flag is invalid".
                req.fail(NtStatus.INVALID_PARAMETER, "first request of a chain has SMB2_FLAGS_RELATED_OPERATIONS");
            }
            if (badNext) {
                req.fail(NtStatus.INVALID_PARAMETER, "NextCommand " + next + " with " + remaining
                        + " bytes left (expected: 0 or a multiple of 8 in 64.." + remaining + ")");
            }
            if (frame.encrypted()) {
                // checked by the dispatcher after the session lookup: an unknown SessionId is USER_SESSION_DELETED
                // there, as in Samba (smbtorture smb2.compound.invalid2 encrypted)
                req.transformSessionId(frame.sessionId());
            }
            out.add(req);
            if (last) {
                return;
            }
            first = false;
            offset += length;
        }
    }

    /** Follows the NextCommand offsets (only the headers' 4 bytes each) and refuses a chain that is too long. */
    private static void checkChainLength(ByteBuf buf, int offset, int end) {
        int count = 0;
        while (end - offset >= Smb2Header.SIZE) {
            if (++count > MAX_COMPOUND_MESSAGES) {
                throw new CorruptedFrameException("frame of " + (end - buf.readerIndex()) + " bytes compounds more than "
                        + MAX_COMPOUND_MESSAGES + " messages (this server's limit per frame)");
            }
            int next = buf.getIntLE(offset + 20);
            if (next <= 0 || next > end - offset) {
                return; // the last message, or a bad NextCommand that the main loop answers
            }
            offset += next;
        }
    }

    /** [MS-CIFS] 2.2.4.52.1: WordCount 0, then ByteCount and 0x02-prefixed NUL-terminated dialect strings. */
    private static Smb1NegotiateRequest decodeSmb1(ByteBuf buf) {
        int start = buf.readerIndex();
        int len = buf.readableBytes();
        if (len < SMB1_HEADER_SIZE + 3 || buf.getUnsignedByte(start + 4) != SMB1_COM_NEGOTIATE) {
            throw new CorruptedFrameException("SMB1 message of " + len + " bytes, command 0x"
                    + (len > 4 ? Integer.toHexString(buf.getUnsignedByte(start + 4)) : "?")
                    + ": only SMB_COM_NEGOTIATE (0x72) is accepted, to upgrade to SMB2");
        }
        int p = start + SMB1_HEADER_SIZE + 1 + 2 * buf.getUnsignedByte(start + SMB1_HEADER_SIZE);
        int byteCount = buf.getUnsignedShortLE(p);
        p += 2;
        int stop = Math.min(p + byteCount, start + len);
        List<String> dialects = new ArrayList<>();
        while (p < stop && buf.getByte(p) == 0x02) {
            int nul = buf.indexOf(p + 1, stop, (byte) 0);
            if (nul < 0) {
                break;
            }
            dialects.add(buf.toString(p + 1, nul - p - 1, StandardCharsets.US_ASCII));
            p = nul + 1;
        }
        byte[] header = new byte[SMB1_HEADER_SIZE];
        buf.getBytes(start, header);
        return new Smb1NegotiateRequest(dialects, header);
    }
}
