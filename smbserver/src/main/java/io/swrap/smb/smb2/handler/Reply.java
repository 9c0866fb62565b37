package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2ErrorResponse;
import io.swrap.smb.smb2.codec.Smb2ResponseBody;
import io.swrap.smb.state.AsyncRequest;
import java.util.concurrent.CompletionStage;

/**
 * What a command handler answers: a status (SUCCESS or a warning/info status with a body) and the body;
 * for a request that goes asynchronous, the {@link AsyncRequest} that will complete it; for a request whose
 * file operation runs on the I/O pool, the stage that completes with the real reply on the connection's loop
 * ({@link RequestContext#offLoop}).
 */
record Reply(int status, Smb2ResponseBody body, AsyncRequest pending, CompletionStage<Reply> later) {
    Reply(int status, Smb2ResponseBody body) {
        this(status, body, null, null);
    }

    Reply(int status, Smb2ResponseBody body, AsyncRequest pending) {
        this(status, body, pending, null);
    }

    static Reply ok(Smb2ResponseBody body) {
        return new Reply(NtStatus.SUCCESS, body);
    }

    /** [MS-SMB2] 3.3.4.2: an interim response with STATUS_PENDING now, the real one later. */
    static Reply pending(AsyncRequest a) {
        return new Reply(NtStatus.PENDING, new Smb2ErrorResponse(), a);
    }

    /** The reply once {@code stage} completes (on the connection's loop); nothing is sent before. */
    static Reply later(CompletionStage<Reply> stage) {
        return new Reply(NtStatus.SUCCESS, null, null, stage);
    }
}
