package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2ChangeNotifyRequest;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2OutputBufferResponse;
import io.swrap.smb.state.AsyncRequest;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.ChangeNotify;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * [MS-SMB2] 3.3.5.19 Receiving an SMB2 CHANGE_NOTIFY Request. The first request on a directory handle
 * starts watching it; queued changes are answered at once, otherwise the request goes async until a
 * change, a CANCEL (STATUS_CANCELLED) or the close of the handle (STATUS_NOTIFY_CLEANUP). Several may wait
 * on one handle, up to {@link ChangeNotify.Watch#MAX_WAITERS}; a change completes the oldest. The first request
 * fixes the handle's filter, recursion and buffer size until it closes.
 */
final class ChangeNotifyHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Smb2ChangeNotifyRequest req = Smb2ChangeNotifyRequest.decode(rc.request);
        Open open = rc.open(req.fileId());
        if (!open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CHANGE_NOTIFY on a file handle");
        }
        if (!open.has(AccessMask.FILE_READ_DATA)) {
            // FILE_LIST_DIRECTORY, as Windows and Samba require (smb2.notify.handle-permissions)
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "CHANGE_NOTIFY on a handle without FILE_LIST_DIRECTORY");
        }
        if (Integer.compareUnsigned(req.outputBufferLength(), rc.conn.maxTransactSize()) > 0) {
            // 3.3.5.19: "If ... OutputBufferLength is greater than Connection.MaxTransactSize, the server MUST fail
            // the request with STATUS_INVALID_PARAMETER"
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CHANGE_NOTIFY OutputBufferLength "
                    + Integer.toUnsignedString(req.outputBufferLength()) + " (expected: <= MaxTransactSize "
                    + rc.conn.maxTransactSize() + ")");
        }
        if (!rc.request.lastInChain()) {
            // Windows fails a request that would go async in the middle of a compound (MS-SMB2 <162>).
            throw new Smb2Exception(NtStatus.INTERNAL_ERROR, "CHANGE_NOTIFY cannot wait in the middle of a compound");
        }
        ChangeNotify hub = rc.conn.server().changeNotify();
        // changes are reported on the loop of whoever made them: the completion is a message to this client's loop
        io.swrap.smb.filestate.Messenger messenger = rc.conn.server().messenger();
        int worker = messenger.worker(rc.conn.channel().eventLoop());
        if (open.watch() == null) {
            open.watch(new ChangeNotify.Watch(open.path(),
                    (req.flags() & Smb2ChangeNotifyRequest.WATCH_TREE) != 0, req.completionFilter(),
                    req.outputBufferLength(),
                    () -> messenger.post(worker, () -> open.endNotifies(NtStatus.DELETE_PENDING))));
            hub.add(open.watch());
        }
        ChangeNotify.Watch watch = open.watch();
        // the first request's size bounds what the handle buffers, as in Windows and Samba: a change too large
        // for it is NOTIFY_ENUM_DIR for every later request too (smb2.notify.valid-req)
        int max = Math.min(req.outputBufferLength(), watch.maxBuffer());
        if (watch.waiting() >= ChangeNotify.Watch.MAX_WAITERS) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, watch.waiting() + " CHANGE_NOTIFY requests already"
                    + " wait on this handle (at most " + ChangeNotify.Watch.MAX_WAITERS + ")");
        }
        AsyncRequest[] a = new AsyncRequest[1];
        Consumer<List<ChangeNotify.Event>> waiter = events -> messenger.post(worker, () -> {
            assert open.onOwnerLoop() : "notify completion of " + open.path() + " off its owner's loop";
            open.removePendingNotify(a[0]);
            complete(a[0], events, max);
        });
        a[0] = new AsyncRequest(rc.conn, rc.request.messageId(), () -> {
            watch.cancelWait(waiter);
            open.removePendingNotify(a[0]);
        });
        // listed before it can be completed from another event loop, so that a completion never leaves it behind
        open.addPendingNotify(a[0]);
        List<ChangeNotify.Event> ready = watch.takeOrWait(waiter);
        if (ready != null) {
            open.removePendingNotify(a[0]);
            return reply(ready, max);
        }
        return Reply.pending(a[0]);
    }

    private static void complete(AsyncRequest a, List<ChangeNotify.Event> events, int max) {
        Reply r = reply(events, max);
        a.complete(r.status(), r.body());
    }

    /** FILE_NOTIFY_INFORMATION entries ([MS-FSCC] 2.7.1), 4-byte aligned; NOTIFY_ENUM_DIR when they do not fit. */
    private static Reply reply(List<ChangeNotify.Event> events, int max) {
        ByteBuf out = Unpooled.buffer();
        int previous = -1;
        for (ChangeNotify.Event e : events) {
            while ((out.writerIndex() & 3) != 0) {
                out.writeByte(0);
            }
            if (previous >= 0) {
                out.setIntLE(previous, out.writerIndex() - previous);
            }
            previous = out.writerIndex();
            byte[] name = e.name().getBytes(StandardCharsets.UTF_16LE);
            out.writeIntLE(0).writeIntLE(e.action()).writeIntLE(name.length).writeBytes(name);
        }
        if (events.isEmpty() || out.readableBytes() > max) {
            out.clear();
            return new Reply(NtStatus.NOTIFY_ENUM_DIR, new Smb2OutputBufferResponse(out));
        }
        return Reply.ok(new Smb2OutputBufferResponse(out));
    }
}
