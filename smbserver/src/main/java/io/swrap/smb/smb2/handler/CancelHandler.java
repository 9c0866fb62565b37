package io.swrap.smb.smb2.handler;

import io.swrap.smb.state.AsyncRequest;

/**
 * [MS-SMB2] 3.3.5.16 Receiving an SMB2 CANCEL Request: "the server MUST NOT send a response" to the
 * CANCEL itself; the pending request it names (by AsyncId, or by MessageId) completes with STATUS_CANCELLED.
 * A CANCEL for nothing pending is ignored, as the spec allows (the request may just have completed).
 */
final class CancelHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) {
        var h = rc.request.header();
        AsyncRequest a = rc.conn.findAsync(h.isAsync() ? h.asyncId() : 0, h.messageId());
        if (a != null) {
            a.cancel();
        }
        return null;
    }
}
