package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2CloseRequest;
import io.swrap.smb.smb2.codec.Smb2CloseResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import java.io.IOException;

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
