package io.swrap.smb.smb2.handler;

import io.netty.channel.EventLoop;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2EmptyBody;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2LockRequest;
import io.swrap.smb.filestate.ByteRangeLocks;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.Waiter;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.state.AsyncRequest;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Open;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 3.3.5.14 Receiving an SMB2 LOCK Request. The first element decides whether a request unlocks
 * or locks; elements are processed in order, and of a lock request all locks are granted or none. A
 * single lock without SMB2_LOCKFLAG_FAIL_IMMEDIATELY that conflicts goes async and is retried whenever the
 * file is unlocked, until granted, canceled or its handle closes; up to {@link Open#MAX_PENDING_LOCKS} per handle.
 */
final class LockHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Smb2LockRequest req = Smb2LockRequest.decode(rc.request);
        Open open = rc.open(req.fileId());
        int seqIndex = req.lockSequenceIndex();
        int seqNumber = req.lockSequenceNumber();
        boolean verifySequence = seqIndex >= 1 && seqIndex <= 64 && (open.isDurable()
                || (Smb2Dialect.isSmb3(rc.conn.dialect())
                        && (rc.conn.serverCapabilities() & Connection.CAP_MULTI_CHANNEL) != 0));
        if (verifySequence) {
            // 3.3.5.14: lock sequence verification, which the spec's "SHOULD" asks for on durable opens and on
            // 3.x multichannel connections: a LOCK whose entry is valid and equal is a replay of one that
            // succeeded (its answer was lost with a channel), answered SUCCESS without being processed again
            if (open.lockSequenceReplayed(seqIndex, seqNumber)) {
                return Reply.ok(new Smb2EmptyBody());
            }
            open.lockSequence(seqIndex, seqNumber, false);
        }
        Reply reply = process(rc, open, req.locks());
        if (verifySequence && reply.status() == NtStatus.SUCCESS && reply.pending() == null) {
            open.lockSequence(seqIndex, seqNumber, true);
        }
        return reply;
    }

    private Reply process(RequestContext rc, Open open, List<Smb2LockRequest.Element> els) throws Smb2Exception {
        ByteRangeLocks locks = rc.conn.server().locks();
        FileKey file = open.key();
        if ((els.get(0).flags() & Smb2LockRequest.UNLOCK) != 0) {
            // 3.3.5.14.1: elements are unlocked in order; a failing element ends the request, and the
            // elements before it stay unlocked.
            for (Smb2LockRequest.Element e : els) {
                if (e.flags() != Smb2LockRequest.UNLOCK) {
                    throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "lock element flags 0x"
                            + Integer.toHexString(e.flags()) + " in an unlock request (expected: UNLOCK alone)");
                }
                if (!locks.unlock(file, open.owner(), e.offset(), e.length())) {
                    throw new Smb2Exception(NtStatus.RANGE_NOT_LOCKED, "no lock at " + Long.toUnsignedString(e.offset())
                            + "+" + Long.toUnsignedString(e.length()) + " on this handle");
                }
            }
            return Reply.ok(new Smb2EmptyBody());
        }
        if (locks.count(file) + els.size() > ByteRangeLocks.MAX_LOCKS_PER_FILE) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, els.size() + " more locks on a file that has "
                    + locks.count(file) + " (at most " + ByteRangeLocks.MAX_LOCKS_PER_FILE + " per file)");
        }
        // [MS-FSA] 2.1.5.7: a byte-range lock breaks the file's level II oplocks and read leases, as a write does
        BreakSender.send(rc.conn.server(), rc.conn.server().oplocks().written(file, open.owner()));
        // 3.3.5.14.2: elements are locked in order; a failing element releases the locks this request took.
        List<ByteRangeLocks.Lock> granted = new ArrayList<>();
        try {
            for (Smb2LockRequest.Element e : els) {
                check(e, els.size());
                ByteRangeLocks.Lock l = lock(open, e);
                if (!locks.tryLock(file, l)) {
                    if ((e.flags() & Smb2LockRequest.FAIL_IMMEDIATELY) == 0) {
                        return waitFor(rc, open, locks, l);
                    }
                    throw new Smb2Exception(NtStatus.LOCK_NOT_GRANTED, "range " + Long.toUnsignedString(e.offset())
                            + "+" + Long.toUnsignedString(e.length()) + " is locked");
                }
                granted.add(l);
            }
        } catch (Smb2Exception ex) {
            granted.forEach(g -> locks.unlock(file, open.owner(), g.offset(), g.length()));
            throw ex;
        }
        return Reply.ok(new Smb2EmptyBody());
    }

    /** 3.3.5.14.2: flag combinations and ranges of a lock element that are refused. */
    private static void check(Smb2LockRequest.Element e, int count) throws Smb2Exception {
        int f = e.flags();
        int kind = Smb2LockRequest.SHARED_LOCK | Smb2LockRequest.EXCLUSIVE_LOCK;
        boolean valid = (f & ~(kind | Smb2LockRequest.FAIL_IMMEDIATELY)) == 0 && Integer.bitCount(f & kind) == 1
                && (count == 1 || (f & Smb2LockRequest.FAIL_IMMEDIATELY) != 0);
        if (!valid) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "lock element flags 0x" + Integer.toHexString(f)
                    + " (expected: one of SHARED/EXCLUSIVE, with FAIL_IMMEDIATELY on every element of a multi-lock"
                    + " request)");
        }
        if (e.length() != 0 && Long.compareUnsigned(e.offset() + e.length() - 1, e.offset()) < 0) {
            throw new Smb2Exception(NtStatus.INVALID_LOCK_RANGE, "lock range " + Long.toUnsignedString(e.offset())
                    + "+" + Long.toUnsignedString(e.length()) + " wraps past 2^64");
        }
    }

    private static ByteRangeLocks.Lock lock(Open open, Smb2LockRequest.Element e) {
        return new ByteRangeLocks.Lock(open.owner(), e.offset(), e.length(), (e.flags() & Smb2LockRequest.EXCLUSIVE_LOCK) != 0);
    }

    /**
     * Goes async: the lock is retried after each unlock of the file; CANCEL or close ends the wait. The
     * file's record holds only a {@link Waiter}; an unlock on any loop wakes it through the {@link Messenger},
     * which runs the retry on the loop of the waiting client (the one its handle's close, CANCEL and
     * disconnect run on). The retry grants the lock only if the request still waits there: a retry racing
     * the close of its handle must not leave a lock held by a closed open, which nobody could release.
     */
    private static Reply waitFor(RequestContext rc, Open open, ByteRangeLocks locks, ByteRangeLocks.Lock l)
            throws Smb2Exception {
        if (open.pendingLockCount() >= Open.MAX_PENDING_LOCKS) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, open.pendingLockCount() + " blocking LOCKs already"
                    + " wait on this handle (at most " + Open.MAX_PENDING_LOCKS + ")");
        }
        FileKey file = open.key();
        EventLoop owner = rc.conn.channel().eventLoop();
        Messenger messenger = rc.conn.server().messenger();
        Waiter[] waiter = new Waiter[1];
        AsyncRequest[] a = new AsyncRequest[1];
        a[0] = new AsyncRequest(rc.conn, rc.request.messageId(), () -> {
            locks.removeWaiter(file, waiter[0]);
            messenger.forget(waiter[0]);
            open.removePendingLock(a[0]);
        });
        Runnable[] retry = new Runnable[1];
        retry[0] = () -> {
            assert owner.inEventLoop() && open.onOwnerLoop() : "lock retry of " + open.path() + " off its owner's loop";
            if (open.isClosed() || !open.isPendingLock(a[0])) {
                return; // the handle closed, or the wait was canceled, after the unlock woke it
            }
            boolean granted;
            try {
                waiter[0] = messenger.park(owner, retry[0]);
                granted = locks.lockOrWait(file, l, waiter[0]);
            } catch (Smb2Exception e) {
                messenger.forget(waiter[0]);
                open.removePendingLock(a[0]);
                a[0].complete(e.status(), new io.swrap.smb.smb2.codec.Smb2ErrorResponse());
                return;
            }
            if (granted) {
                messenger.forget(waiter[0]);
                open.removePendingLock(a[0]);
                a[0].complete(NtStatus.SUCCESS, new Smb2EmptyBody());
            }
        };
        waiter[0] = messenger.park(owner, retry[0]);
        boolean granted;
        try {
            granted = locks.lockOrWait(file, l, waiter[0]);
        } catch (Smb2Exception e) {
            messenger.forget(waiter[0]);
            throw e;
        }
        if (granted) {
            // unlocked between the first try and the registration
            messenger.forget(waiter[0]);
            return Reply.ok(new Smb2EmptyBody());
        }
        open.addPendingLock(a[0]);
        return Reply.pending(a[0]);
    }
}
