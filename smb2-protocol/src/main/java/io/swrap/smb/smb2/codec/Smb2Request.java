package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;

/**
 * One SMB2 request split out of a frame: its header and its bytes (header, body and any compound
 * padding; offsets inside bodies are "from the beginning of the SMB2 header", so handlers read
 * absolute positions in {@link #content()}). Later pipeline steps may mark it failed with an
 * NTSTATUS; the dispatcher then answers with an error response carrying its MessageId.
 */
public final class Smb2Request extends DefaultByteBufHolder implements DecoderResultProvider {
    private final Smb2Header header;
    private final boolean encrypted;
    private final long sessionId;
    private final int treeId;
    private final boolean lastInChain;
    private final boolean compounded;
    private long transformSessionId;
    private DecoderResult result = DecoderResult.SUCCESS;
    private int failStatus;

    /**
     * @param sessionId SessionId, or the previous request's for a related compound member ([MS-SMB2] 3.3.5.2.7.2)
     * @param treeId TreeId, resolved the same way
     * @param compounded whether the frame held other messages too: its response then travels compounded
     */
    public Smb2Request(ByteBuf message, Smb2Header header, boolean encrypted, long sessionId, int treeId,
            boolean lastInChain, boolean compounded) {
        super(message);
        this.header = header;
        this.encrypted = encrypted;
        this.sessionId = sessionId;
        this.treeId = treeId;
        this.lastInChain = lastInChain;
        this.compounded = compounded;
    }

    public Smb2Header header() {
        return header;
    }

    public int command() {
        return header.command();
    }

    public long messageId() {
        return header.messageId();
    }

    public boolean encrypted() {
        return encrypted;
    }

    public long sessionId() {
        return sessionId;
    }

    public int treeId() {
        return treeId;
    }

    public boolean lastInChain() {
        return lastInChain;
    }

    /** True when the request shared its frame with other messages ([MS-SMB2] 3.3.5.2.7). */
    public boolean compounded() {
        return compounded;
    }

    /**
     * The SessionId of the TRANSFORM_HEADER this request arrived in (0 when it was not encrypted): an unrelated
     * member naming another session is refused once its own SessionId has been looked up ([MS-SMB2] 3.3.5.2.1.1).
     */
    public long transformSessionId() {
        return transformSessionId;
    }

    public void transformSessionId(long id) {
        this.transformSessionId = id;
    }

    /** Marks this request as failed with {@code status}; the first failure wins. */
    public void fail(int status, String reason) {
        if (result.isSuccess()) {
            failStatus = status;
            result = DecoderResult.failure(new Smb2Exception(status, reason));
        }
    }

    /** The NTSTATUS of {@link #fail}, or SUCCESS. */
    public int failStatus() {
        return failStatus;
    }

    @Override
    public DecoderResult decoderResult() {
        return result;
    }

    @Override
    public void setDecoderResult(DecoderResult result) {
        this.result = result;
        if (!result.isSuccess() && failStatus == 0) {
            failStatus = NtStatus.INVALID_PARAMETER;
        }
    }

    /** The body (after the 64-byte header) as a read-only view. */
    public ByteBuf body() {
        return content().slice(Smb2Header.SIZE, content().readableBytes() - Smb2Header.SIZE);
    }

    /**
     * Checks that [offset, offset+length) relative to the header lies inside this message, in 64-bit
     * arithmetic (a peer's offset plus length must not wrap). An empty buffer may have offset 0 (as Samba
     * accepts); any other offset of an empty buffer must still point into the message.
     */
    public void checkRange(long offset, long length, String what) throws Smb2Exception {
        if (length == 0 && offset == 0) {
            return;
        }
        if (length < 0 || offset < Smb2Header.SIZE || offset + length > content().readableBytes()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, what + " at offset " + offset + ", length " + length
                    + " lies outside the " + content().readableBytes() + "-byte message");
        }
    }

    /** Checks the body's fixed part: StructureSize and at least {@code fixed} bytes. */
    public void checkBody(int structureSize, int fixed) throws Smb2Exception {
        int len = content().readableBytes() - Smb2Header.SIZE;
        if (len < fixed || body().getUnsignedShortLE(0) != structureSize) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, Smb2Command.name(command()) + " body of " + len
                    + " bytes, StructureSize " + (len >= 2 ? body().getUnsignedShortLE(0) : -1)
                    + " (expected: StructureSize " + structureSize + ", at least " + fixed + " bytes)");
        }
    }

    @Override
    public String toString() {
        return Smb2Command.name(command()) + "#" + messageId();
    }
}
