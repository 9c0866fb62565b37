package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2WriteRequest;
import io.swrap.smb.smb2.codec.Smb2WriteResponse;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.WriteTime;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * [MS-SMB2] 3.3.5.13 Receiving an SMB2 WRITE Request: Length up to Connection.MaxWriteSize; an Offset
 * of 0xFFFFFFFFFFFFFFFF means "append" (FILE_APPEND_DATA handles). The pwrite runs on the I/O pool.
 */
final class WriteHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2WriteRequest req = Smb2WriteRequest.decode(rc.request);
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.write(rc, req);
        }
        Open open = rc.open(req.fileId());
        if (open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_DEVICE_REQUEST, "WRITE on a directory handle");
        }
        if (open.channel() == null || !open.has(AccessMask.FILE_WRITE_DATA | AccessMask.FILE_APPEND_DATA)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "WRITE on a handle without FILE_WRITE_DATA");
        }
        ByteBuf data = req.data();
        if (data.readableBytes() > rc.conn.maxWriteSize()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "WRITE of " + data.readableBytes()
                    + " bytes (expected: <= MaxWriteSize " + rc.conn.maxWriteSize() + ")");
        }
        // the size (an fstat) is taken here, on the loop, so that the lock check sees the offset written
        long offset = req.offset() == -1 ? open.channel().size() : req.offset();
        if (offset < 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "WRITE Offset " + Long.toUnsignedString(req.offset()));
        }
        if (rc.conn.server().locks().conflicts(open.key(), open.owner(), offset, data.readableBytes(), true)) {
            throw new Smb2Exception(NtStatus.FILE_LOCK_CONFLICT, "WRITE at " + offset + "+" + data.readableBytes()
                    + " overlaps a lock");
        }
        Vfs.Handle file = open.handle();
        // the data are a view into the request, which the dispatcher keeps retained until the reply
        String path = open.path().toString();
        WriteTime times = open.writeTime();
        return rc.offLoop(() -> {
            // the write time moves later, or at close (WriteTime): the time the pwrite set is put back
            long before = WriteTime.before(file);
            int total = write(file, data, offset);
            times.restore(file, before, path);
            return total;
        }, total -> {
            open.position(offset + total);
            times.written(rc.conn.server().io(), rc.conn.channel().eventLoop());
            // [MS-FSA] 2.1.5.3: a write breaks the other opens' level II oplocks and read leases to none
            BreakSender.send(rc.conn.server(), rc.conn.server().oplocks().written(open.key(), open.owner()));
            rc.conn.server().changeNotify().report(open.path(), ChangeNotify.FILE_ACTION_MODIFIED,
                    ChangeNotify.FILE_NOTIFY_CHANGE_SIZE | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE);
            return Reply.ok(new Smb2WriteResponse(total));
        }, total -> { });
    }

    /** One positional write per buffer component: a frame cumulated from many reads is not merged first. */
    private static int write(Vfs.Handle file, ByteBuf data, long offset) throws IOException {
        int total = 0;
        for (ByteBuffer nio : data.nioBuffers()) {
            while (nio.hasRemaining()) {
                total += file.write(nio, offset + total);
            }
        }
        return total;
    }
}
