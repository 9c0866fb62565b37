package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2LeaseBreakResponse;
import io.swrap.smb.smb2.codec.Smb2OplockBreakRequest;
import io.swrap.smb.smb2.codec.Smb2OplockBreakResponse;
import io.swrap.smb.state.Open;

/**
 * [MS-SMB2] 3.3.5.22 Receiving an SMB2 OPLOCK_BREAK Acknowledgment: an oplock break acknowledgment
 * names the open, a lease break acknowledgment the lease key of this connection's ClientGuid. Either may
 * arrive on any channel of the client, not only on the one that carried the break.
 */
final class OplockBreakHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Smb2OplockBreakRequest req = Smb2OplockBreakRequest.decode(rc.request);
        if (!req.lease()) {
            Open open = rc.open(req.fileId());
            int level = rc.conn.server().oplocks().acknowledgeOplock(open.owner(), req.oplockLevel());
            return Reply.ok(new Smb2OplockBreakResponse(level, req.fileId()));
        }
        String guid = rc.conn.client() != null ? rc.conn.client().guid() : null;
        int state = rc.conn.server().oplocks().acknowledgeLease(guid, req.leaseKey(), req.leaseState());
        return Reply.ok(new Smb2LeaseBreakResponse(req.leaseKey(), state));
    }
}
