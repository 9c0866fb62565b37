package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.util.function.Consumer;

/**
 * One SMB2 response on its way out: header fields and an encoded body. The dispatcher decides
 * signing and encryption ([MS-SMB2] 3.3.4.1.1, 3.3.4.1.4); the credit step fills in the credits
 * granted; {@link Smb2MessageEncoder} writes it.
 */
public final class Smb2Response extends DefaultByteBufHolder {
    private final int command;
    private final int status;
    private final long messageId;
    private final int creditCharge;
    private final int creditRequest;
    private final long sessionId;
    private final int treeId;
    private final long asyncId;
    private int creditsGranted;
    private Smb2Signer signer;
    private Smb2TransformCipher cipher;
    private long transformSessionId;
    private boolean related;
    private boolean compounded;
    private boolean lastInChain = true;
    private Consumer<ByteBuf> onEncoded;

    /** @param asyncId 0 for a synchronous response; else the interim or final response of an async request */
    public Smb2Response(Smb2Request request, int status, ByteBuf body, long sessionId, int treeId, long asyncId) {
        this(request.command(), status, body, request.messageId(), request.header().creditCharge(),
                request.header().credits(), sessionId, treeId, asyncId);
        this.compounded = request.compounded();
        this.lastInChain = request.lastInChain();
    }

    public Smb2Response(int command, int status, ByteBuf body, long messageId, int creditCharge, int creditRequest,
            long sessionId, int treeId, long asyncId) {
        super(body);
        this.command = command;
        this.status = status;
        this.messageId = messageId;
        this.creditCharge = creditCharge;
        this.creditRequest = creditRequest;
        this.sessionId = sessionId;
        this.treeId = treeId;
        this.asyncId = asyncId;
    }

    public int command() {
        return command;
    }

    public int status() {
        return status;
    }

    public long messageId() {
        return messageId;
    }

    /** The request shared its frame with others: this response goes out in one frame with theirs. */
    public boolean compounded() {
        return compounded;
    }

    /** The request was the last of its frame: the compounded responses gathered so far can be sent. */
    public boolean lastInChain() {
        return lastInChain;
    }

    public long asyncId() {
        return asyncId;
    }

    public int creditCharge() {
        return creditCharge;
    }

    public int creditRequest() {
        return creditRequest;
    }

    /** True for the final response of an async request: its credits were granted by the interim one. */
    public boolean isAsyncFinal() {
        return asyncId != 0 && status != NtStatus.PENDING;
    }

    public void creditsGranted(int credits) {
        this.creditsGranted = credits;
    }

    /** Signs the response with {@code signer} (null: unsigned). */
    public void signWith(Smb2Signer signer) {
        this.signer = signer;
    }

    public Smb2Signer signer() {
        return signer;
    }

    /** Encrypts the response with the session's cipher (null: plain). */
    public void encryptWith(Smb2TransformCipher cipher) {
        encryptWith(cipher, sessionId);
    }

    /**
     * Encrypts the response with {@code cipher} under the TRANSFORM_HEADER SessionId {@code transformSessionId}:
     * the answer to a member of an encrypted compound that names another (unknown) session goes out in the
     * transform of the session the request was encrypted with.
     */
    public void encryptWith(Smb2TransformCipher cipher, long transformSessionId) {
        this.cipher = cipher;
        this.transformSessionId = transformSessionId;
    }

    /** The SessionId of the TRANSFORM_HEADER when {@link #cipher()} is set. */
    public long transformSessionId() {
        return transformSessionId;
    }

    public Smb2TransformCipher cipher() {
        return cipher;
    }

    public long sessionId() {
        return sessionId;
    }

    /** Sets SMB2_FLAGS_RELATED_OPERATIONS, for responses to related compound members. */
    public void related(boolean related) {
        this.related = related;
    }

    /** Called with the encoded message, e.g. to extend the preauth integrity hash ([MS-SMB2] 3.3.5.4). */
    public void onEncoded(Consumer<ByteBuf> hook) {
        this.onEncoded = hook;
    }

    Consumer<ByteBuf> onEncoded() {
        return onEncoded;
    }

    Smb2Header header() {
        int flags = Smb2Header.FLAGS_SERVER_TO_REDIR
                | (signer != null ? Smb2Header.FLAGS_SIGNED : 0)
                | (related ? Smb2Header.FLAGS_RELATED_OPERATIONS : 0)
                | (asyncId != 0 ? Smb2Header.FLAGS_ASYNC_COMMAND : 0);
        return new Smb2Header(creditCharge, status, command, creditsGranted, flags, 0, messageId, asyncId, treeId,
                sessionId);
    }

    @Override
    public String toString() {
        return Smb2Command.name(command) + "#" + messageId + " " + NtStatus.name(status);
    }
}
