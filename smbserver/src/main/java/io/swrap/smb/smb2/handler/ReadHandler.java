package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2ReadRequest;
import io.swrap.smb.smb2.codec.Smb2ReadResponse;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;

/**
 * [MS-SMB2] 3.3.5.12 Receiving an SMB2 READ Request: Length up to Connection.MaxReadSize; reading at
 * or past the end, or fewer bytes than MinimumCount, is STATUS_END_OF_FILE. The pread runs on the I/O pool.
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
        Vfs.Handle file = open.handle();
        ByteBufAllocator alloc = rc.ctx.alloc();
        // the buffer is allocated and filled on the I/O thread, and owned by that operation until the loop takes it
        return rc.offLoop(() -> read(file, alloc, req), data -> {
            if ((data.readableBytes() == 0 && req.length() > 0) || data.readableBytes() < req.minimumCount()) {
                int total = data.readableBytes();
                data.release();
                throw new Smb2Exception(NtStatus.END_OF_FILE, "READ at " + req.offset() + ": " + total
                        + " bytes available, MinimumCount " + req.minimumCount());
            }
            open.position(req.offset() + data.readableBytes());
            return Reply.ok(new Smb2ReadResponse(data, rc.conn.readResponsePadding()));
        }, ByteBuf::release);
    }

    /** Up to Length bytes from Offset: fewer at the end of the file, or what a FIFO holds now. */
    private static ByteBuf read(Vfs.Handle file, ByteBufAllocator alloc, Smb2ReadRequest req) throws IOException {
        ByteBuf data = alloc.directBuffer(req.length());
        try {
            if (req.length() > 0) {
                // one pread: short only at the end of the file (or for what a FIFO holds)
                data.writerIndex(file.read(data.nioBuffer(0, req.length()), req.offset()));
            }
            return data;
        } catch (IOException | RuntimeException e) {
            data.release();
            throw e;
        }
    }
}
