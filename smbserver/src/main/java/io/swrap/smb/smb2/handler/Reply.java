package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2ErrorResponse;
import io.swrap.smb.smb2.codec.Smb2ResponseBody;
import io.swrap.smb.state.AsyncRequest;

/**
 * What a command handler answers: a status (SUCCESS or a warning/info status with a body) and the body,
 * or, for a request that goes asynchronous, the {@link AsyncRequest} that will complete it.
 */
record Reply(int status, Smb2ResponseBody body, AsyncRequest pending) {
    Reply(int status, Smb2ResponseBody body) {
        this(status, body, null);
    }

    static Reply ok(Smb2ResponseBody body) {
        return new Reply(NtStatus.SUCCESS, body);
    }

    /** [MS-SMB2] 3.3.4.2: an interim response with STATUS_PENDING now, the real one later. */
    static Reply pending(AsyncRequest a) {
        return new Reply(NtStatus.PENDING, new Smb2ErrorResponse(), a);
    }
}
