package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2EmptyBody;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FlushRequest;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.WriteTime;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;
import java.nio.channels.FileChannel;

/** [MS-SMB2] 3.3.5.11 Receiving an SMB2 FLUSH Request: fdatasync the file's data, on the I/O pool. */
final class FlushHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Open open = rc.open(Smb2FlushRequest.decode(rc.request).fileId());
        if (!open.has(AccessMask.FILE_WRITE_DATA | AccessMask.FILE_APPEND_DATA)) {
            // 3.3.5.11: "If Open.GrantedAccess does not include FILE_WRITE_DATA or FILE_APPEND_DATA ... ACCESS_DENIED".
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "FLUSH on a handle without write access");
        }
        FileChannel data = open.channel();
        if (data == null) {
            return Reply.ok(new Smb2EmptyBody());
        }
        // as Windows and Samba: flushing what this open wrote also sets the write time a write left pending
        WriteTime times = open.writeTime();
        boolean stamp = times.updateNow(false);
        Vfs.Handle file = open.handle();
        String path = open.path().toString();
        return rc.offLoop(() -> {
            data.force(false);
            if (stamp) {
                times.stamp(file, path);
            }
            return Boolean.TRUE;
        }, done -> Reply.ok(new Smb2EmptyBody()), done -> { });
    }
}
