package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2CloseRequest;
import io.swrap.smb.smb2.codec.Smb2CloseResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.oplock.Oplocks;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * [MS-SMB2] 3.3.5.10 Receiving an SMB2 CLOSE Request; with SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB the
 * attributes are read before the handle goes (and before a delete-on-close removes the file).
 */
final class CloseHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2CloseRequest req = Smb2CloseRequest.decode(rc.request);
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.close(rc, req.fileId());
        }
        Open open = rc.open(req.fileId());
        CompletableFuture<Void> unheld = open.whenUnheld().toCompletableFuture();
        if (unheld.isDone()) {
            return close(rc, req, open, null);
        }
        // A request still holds the handle (smbtorture's FSCTL_SMBTORTURE_FSP_ASYNC_SLEEP, at most
        // SmbtortureFsctl.MAX_ASYNC_SLEEP_MS): the CLOSE answers after it, as Samba does since its bug 14769. The
        // handle is looked up again: a lost connection meanwhile closes it (and ends the holding request).
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        unheld.whenComplete((v, failure) -> {
            try {
                reply.complete(close(rc, req, rc.open(req.fileId()), null));
            } catch (Smb2Exception | IOException | RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        return Reply.later(reply);
    }

    /**
     * The close itself; first, when it may delete the file (delete-on-close, or the file delete-pending), the
     * other leases' handle caching is broken and the close waits for the acknowledgments (run again as each
     * comes), as Windows does (smb2.lease.unlink: RH goes to R).
     */
    private static Reply close(RequestContext rc, Smb2CloseRequest req, Open open, OplockWait waiting)
            throws Smb2Exception, IOException {
        if ((open.deleteOnClose() || rc.conn.server().shareModes().isDeletePending(open.key()))
                && OplockWait.possible(rc)) {
            Oplocks oplocks = rc.conn.server().oplocks();
            OplockRequest self = oplocks.leaseRequestOf(open.owner());
            if (self == null) {
                self = new OplockRequest(null, OplockLevel.NONE, null, 0, 0, 0, null, false, false, false, false);
            }
            BreakSender.send(rc.conn.server(), oplocks.prepareHandleBreak(open.key(), self));
            if (oplocks.leaseBreaking(open.key(), self)) {
                // run again, the handle is looked up again: a close or a logoff meanwhile may have ended it
                return OplockWait.start(rc, waiting, open.key(), self,
                        w -> close(rc, req, rc.open(req.fileId()), w), () -> { });
            }
        }
        Smb2CloseResponse resp = new Smb2CloseResponse(0, 0, 0, 0, 0, 0, 0, 0);
        // the write time a write left for the close is set first: the attributes answered show it
        open.writeTime().atClose();
        if ((req.flags() & Smb2CloseRequest.POSTQUERY_ATTRIB) != 0) {
            FileInfo f = FileInfo.of(open.handle());
            resp = new Smb2CloseResponse(Smb2CloseRequest.POSTQUERY_ATTRIB, f.creationTime(), f.lastAccessTime(),
                    f.lastWriteTime(), f.changeTime(), f.allocationSize(), f.endOfFile(), f.attributes());
        }
        rc.session.closeOpen(open);
        return Reply.ok(resp);
    }
}
