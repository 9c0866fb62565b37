package io.swrap.smb.state;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2ResponseBody;
import java.util.function.BiConsumer;

/**
 * A request that went asynchronous ([MS-SMB2] 3.3.4.2): it got an interim STATUS_PENDING response with
 * this AsyncId and is completed later, by an event on any thread, a CANCEL, or the close of its handle.
 * Completion always runs on the connection's event loop and happens at most once.
 */
public final class AsyncRequest {
    private final Connection conn;
    private final long asyncId;
    private final long messageId;
    private final Runnable onCancel;
    private BiConsumer<Integer, Smb2ResponseBody> responder;
    private boolean done;

    /** @param onCancel undoes the registration that would complete this request (runs on the event loop) */
    public AsyncRequest(Connection conn, long messageId, Runnable onCancel) {
        this.conn = conn;
        this.asyncId = conn.newAsyncId();
        this.messageId = messageId;
        this.onCancel = onCancel;
    }

    public long asyncId() {
        return asyncId;
    }

    public long messageId() {
        return messageId;
    }

    /** Set by the dispatcher when it sends the interim response: writes the final one. */
    public void responder(BiConsumer<Integer, Smb2ResponseBody> responder) {
        this.responder = responder;
        conn.addAsync(this);
    }

    /** Completes with {@code status} and {@code body}, from any thread. */
    public void complete(int status, Smb2ResponseBody body) {
        onLoop(() -> {
            if (!done && responder != null) {
                done = true;
                conn.removeAsync(asyncId);
                responder.accept(status, body);
            }
        });
    }

    /** [MS-SMB2] 3.3.5.16: the canceled request "MUST be completed with STATUS_CANCELLED". */
    public void cancel() {
        cancel(NtStatus.CANCELLED);
    }

    /** Undoes the registration and completes with the error {@code status} (e.g. when the handle closes). */
    public void cancel(int status) {
        onLoop(() -> {
            if (!done) {
                onCancel.run();
                complete(status, new io.swrap.smb.smb2.codec.Smb2ErrorResponse());
            }
        });
    }

    /** Runs {@code r} now when on the connection's event loop (so that a close cancels before it returns). */
    private void onLoop(Runnable r) {
        if (conn.channel().eventLoop().inEventLoop()) {
            r.run();
        } else {
            conn.channel().eventLoop().execute(r);
        }
    }
}
