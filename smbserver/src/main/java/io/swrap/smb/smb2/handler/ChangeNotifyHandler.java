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
 * on one handle, up to {@link ChangeNotify.Watch#MAX_WAITERS}; a change completes the oldest.
 */
final class ChangeNotifyHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Smb2ChangeNotifyRequest req = Smb2ChangeNotifyRequest.decode(rc.request);
        Open open = rc.open(req.fileId());
        if (!open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CHANGE_NOTIFY on a file handle");
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
                    () -> messenger.post(worker, () -> open.endNotifies(NtStatus.DELETE_PENDING))));
            hub.add(open.watch());
        }
        int max = req.outputBufferLength();
        ChangeNotify.Watch watch = open.watch();
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
        List<ChangeNotify.Event> ready = watch.takeOrWait(waiter);
        if (ready != null) {
            return reply(ready, max);
        }
        open.addPendingNotify(a[0]);
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
