package io.swrap.smb.smb2.handler;

import io.netty.util.concurrent.ScheduledFuture;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.Waiter;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.oplock.Oplocks;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2ErrorResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.AsyncRequest;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A CREATE waiting for the acknowledgments of the breaks it caused ([MS-SMB2] 3.3.5.9: the server "MUST
 * wait" for the break to complete; 3.3.4.2 lets it answer STATUS_PENDING meanwhile, as Samba and Windows
 * do). It runs the CREATE again each time a break of the file resolves (acknowledged, its open closed,
 * or timed out after {@link Oplocks#BREAK_TIMEOUT}); the run that no longer has to wait answers. The file's
 * record holds only a {@link Waiter}; the {@link Messenger} runs the CREATE again on its client's loop.
 */
final class OplockWait {
    private static final Logger LOG = Logger.getLogger(OplockWait.class.getName());

    /** The CREATE, run again with this wait. */
    interface Rerun {
        Reply run(OplockWait w) throws Smb2Exception, IOException;
    }

    private final RequestContext rc;
    private final Rerun rerun;
    private final Runnable abandon;
    private final AsyncRequest async;
    private FileKey file;
    private OplockRequest request;
    private Waiter resume;
    private ScheduledFuture<?> timer;

    private OplockWait(RequestContext rc, Rerun rerun, Runnable abandon) {
        this.rc = rc;
        this.rerun = rerun;
        this.abandon = abandon;
        this.async = new AsyncRequest(rc.conn, rc.request.messageId(), this::forget);
    }

    /** The request is re-read by each run: keep it past the dispatcher's release until the wait ends. */
    private void retainRequest() {
        rc.request.retain();
    }

    private void releaseRequest() {
        if (rc.request.refCnt() > 0) {
            rc.request.release();
        }
    }

    /**
     * Whether the CREATE can go async: not when related requests follow it in a compound (they need its
     * FileId now); such a CREATE goes on without waiting, after sending its breaks.
     */
    static boolean possible(RequestContext rc) {
        return rc.request.lastInChain();
    }

    /**
     * Waits (again) for the breaks of {@code file}; {@code existing} is the wait of an earlier run, or null.
     * {@code abandon} runs when the CREATE ends without another run (canceled, its session gone).
     */
    static Reply start(RequestContext rc, OplockWait existing, FileKey file, OplockRequest request, Rerun rerun,
            Runnable abandon) throws Smb2Exception, IOException {
        OplockWait w = existing != null ? existing : new OplockWait(rc, rerun, abandon);
        Oplocks oplocks = rc.conn.server().oplocks();
        Messenger messenger = rc.conn.server().messenger();
        w.file = file;
        w.request = request;
        w.resume = messenger.park(rc.conn.channel().eventLoop(), w::runAgain);
        Duration left = oplocks.await(file, request, w.resume);
        if (left == null) {
            messenger.forget(w.resume);
            return rerun.run(existing); // resolved in the meantime
        }
        if (existing == null) {
            w.retainRequest();
        }
        w.timer = rc.conn.channel().eventLoop().schedule(() -> oplocks.expire(file), left.toNanos() + 1,
                TimeUnit.NANOSECONDS);
        return Reply.pending(w.async);
    }

    /** Undoes the registration (a CANCEL of the CREATE). */
    private void forget() {
        rc.conn.server().oplocks().cancelWait(file, resume);
        rc.conn.server().messenger().forget(resume);
        if (timer != null) {
            timer.cancel(false);
        }
        releaseRequest();
        abandon.run();
    }

    private void runAgain() {
        if (timer != null) {
            timer.cancel(false);
        }
        if (rc.request.refCnt() == 0) {
            return; // canceled meanwhile
        }
        settle(runOnce());
    }

    /** Answers with the outcome of a run, once its file operations on the I/O pool are done. */
    private void settle(Reply r) {
        if (r.later() != null) {
            r.later().whenComplete((next, failure) -> settle(failure == null ? next : failed(failure)));
            return;
        }
        if (r.pending() == async) {
            return; // waits again, still holding the request
        }
        releaseRequest();
        if (rc.conn.channel().isActive()) {
            async.complete(r.status(), r.body());
        }
    }

    /**
     * One more run of the CREATE. It runs even when its connection is gone while its session lives on
     * other channels (as Samba does): the open it makes is what a replay of the CREATE on another channel
     * finds. The answer then goes nowhere.
     */
    private Reply runOnce() {
        if (!rc.session.valid()) {
            abandon.run();
            return new Reply(NtStatus.USER_SESSION_DELETED, new Smb2ErrorResponse());
        }
        try {
            return rerun.run(this);
        } catch (Smb2Exception | IOException | RuntimeException e) {
            return failed(e);
        }
    }

    /** The error reply of a run that failed, on the loop or in its file operation. */
    private Reply failed(Throwable t) {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof Smb2Exception se) {
            LOG.log(Level.FINE, () -> rc.request + " after waiting for oplock breaks: " + se.getMessage());
            return new Reply(se.status(), new Smb2ErrorResponse());
        }
        if (e instanceof IOException io) {
            return new Reply(Vfs.toSmb(io, rc.request.toString()).status(), new Smb2ErrorResponse());
        }
        LOG.log(Level.SEVERE, "internal error completing " + rc.request + " after oplock breaks", e);
        return new Reply(NtStatus.INTERNAL_ERROR, new Smb2ErrorResponse());
    }
}
