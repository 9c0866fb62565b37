package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2ReadRequest;
import io.swrap.smb.smb2.codec.Smb2ReadResponse;
import io.swrap.smb.state.Open;
import java.io.IOException;

/**
 * [MS-SMB2] 3.3.5.12 Receiving an SMB2 READ Request: Length up to Connection.MaxReadSize; reading at
 * or past the end, or fewer bytes than MinimumCount, is STATUS_END_OF_FILE.
 */
final class ReadHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2ReadRequest req = Smb2ReadRequest.decode(rc.request);
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.read(rc, req);
        }
        Open open = rc.open(req.fileId());
        if (open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_DEVICE_REQUEST, "READ on a directory handle");
        }
        if (open.channel() == null || !open.has(AccessMask.FILE_READ_DATA | AccessMask.FILE_EXECUTE)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "READ on a handle without FILE_READ_DATA");
        }
        if (req.length() < 0 || req.length() > rc.conn.maxReadSize() || req.offset() < 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "READ Length " + Integer.toUnsignedString(req.length())
                    + " at offset " + req.offset() + " (expected: length <= MaxReadSize " + rc.conn.maxReadSize()
                    + ")");
        }
        if (rc.conn.server().locks().conflicts(open.key(), open.owner(), req.offset(), req.length(), false)) {
            throw new Smb2Exception(NtStatus.FILE_LOCK_CONFLICT, "READ at " + req.offset() + "+" + req.length()
                    + " overlaps another handle's exclusive lock");
        }
        ByteBuf data = rc.ctx.alloc().buffer(req.length());
        try {
            int total = 0;
            while (total < req.length()) {
                int n = data.writeBytes(open.channel(), req.offset() + total, req.length() - total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            if ((total == 0 && req.length() > 0) || total < req.minimumCount()) {
                throw new Smb2Exception(NtStatus.END_OF_FILE, "READ at " + req.offset() + ": " + total
                        + " bytes available, MinimumCount " + req.minimumCount());
            }
        } catch (Smb2Exception | IOException | RuntimeException e) {
            data.release();
            throw e;
        }
        open.position = req.offset() + data.readableBytes();
        return Reply.ok(new Smb2ReadResponse(data, rc.conn.readResponsePadding()));
    }
}
