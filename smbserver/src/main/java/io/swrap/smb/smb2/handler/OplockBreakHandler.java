package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2LeaseBreakResponse;
import io.swrap.smb.smb2.codec.Smb2OplockBreakRequest;
import io.swrap.smb.smb2.codec.Smb2OplockBreakResponse;
import io.swrap.smb.oplock.Oplocks;
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
        Oplocks.Acknowledged ack = rc.conn.server().oplocks().acknowledgeLease(guid, req.leaseKey(),
                req.leaseState());
        // delivered through the client's event loop, so after this response
        BreakSender.send(rc.conn.server(), ack.further());
        return Reply.ok(new Smb2LeaseBreakResponse(req.leaseKey(), ack.state()));
    }
}
