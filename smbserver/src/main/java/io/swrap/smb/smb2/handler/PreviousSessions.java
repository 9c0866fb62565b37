package io.swrap.smb.smb2.handler;

import io.netty.channel.EventLoop;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.Waiter;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageType;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.state.Session;
import io.swrap.smb.state.SessionGlobal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * [MS-SMB2] 3.3.5.5.3: a logon that names a PreviousSessionId of the same user ends that session (the client
 * lost it, e.g. by a reconnect), looked up in GlobalSessionTable, before the logon is answered, so that the
 * client's next request on the old connection finds it gone (smb2.durable-open.reopen1a). The session may
 * belong to another ClientGuid, whose sessions live on another event loop, or, in a prefork server, to another
 * worker process: that one gets a {@link MessageType#SESSION_CLOSE} message naming the session and a
 * {@link Waiter} of the logon, ends the session on its own loop and wakes the logon (as Samba's
 * smb2srv_session_close_previous_send messages the owner and waits for its global record to go). The logon
 * waits at most {@code smbserver:prefork session close timeout}.
 */
public final class PreviousSessions {
    private static final Logger LOG = Logger.getLogger(PreviousSessions.class.getName());

    private PreviousSessions() {
    }

    /** Answers {@code reply} once the session {@code previousId} names is ended (if it is the same user's). */
    static Reply close(Connection conn, Session s, long previousId, Reply reply) {
        if (previousId == 0 || previousId == s.id()) {
            return reply;
        }
        Session prev = conn.session(previousId);
        if (prev == null && conn.client() != null) {
            prev = conn.client().session(previousId);
        }
        if (prev != null) {
            if (prev.valid() && prev.user().equalsIgnoreCase(s.user())) {
                end(prev, s.id());
            }
            return reply;
        }
        SessionGlobal g = conn.server().globalSession(previousId);
        if (g == null || !g.user().equalsIgnoreCase(s.user())) {
            return reply;
        }
        if (g.foreign()) {
            return inOtherWorker(conn, g, s, reply);
        }
        EventLoop ours = conn.channel().eventLoop();
        EventLoop theirs = g.session().connection().channel().eventLoop();
        if (theirs == ours) {
            end(g, s.id());
            return reply;
        }
        CompletableFuture<Reply> answered = new CompletableFuture<>();
        try {
            theirs.execute(() -> {
                try {
                    end(g, s.id());
                } finally {
                    ours.execute(() -> answered.complete(reply));
                }
            });
        } catch (RejectedExecutionException e) {
            // the server is shutting down: its sessions end with it
            return reply;
        }
        return Reply.later(answered);
    }

    /** Asks the worker that holds {@code g} to end it, and answers when it did, or at the timeout. */
    private static Reply inOtherWorker(Connection conn, SessionGlobal g, Session s, Reply reply) {
        ServerState server = conn.server();
        Messenger messenger = server.messenger();
        EventLoop ours = conn.channel().eventLoop();
        CompletableFuture<Reply> answered = new CompletableFuture<>();
        Waiter w;
        try {
            w = messenger.park(ours, () -> answered.complete(reply));
        } catch (Smb2Exception e) {
            LOG.warning("session 0x" + Long.toHexString(g.id()) + " of worker " + g.ownerPid() + " is not ended"
                    + " for session 0x" + Long.toHexString(s.id()) + ", which names it as its PreviousSessionId: "
                    + e.getMessage());
            return reply;
        }
        long timeout = server.config().prefork().sessionCloseTimeout().toMillis();
        ScheduledFuture<?> timer = ours.schedule(() -> {
            messenger.forget(w);
            if (answered.complete(reply)) {
                LOG.warning("session 0x" + Long.toHexString(s.id()) + " answered without word from worker "
                        + g.ownerPid() + " that its PreviousSessionId 0x" + Long.toHexString(g.id()) + " ended,"
                        + " after " + timeout + " ms (smbserver:prefork session close timeout)");
            }
        }, timeout, TimeUnit.MILLISECONDS);
        answered.whenComplete((r, e) -> timer.cancel(false));
        // a message that cannot be delivered wakes the waiter (its receiver, and the session, are gone)
        messenger.send(g.ownerPid(), new Message(MessageType.SESSION_CLOSE, messenger.pid(), g.id(), w.worker(),
                w.ticket(), s.id()));
        return Reply.later(answered);
    }

    /**
     * Handles SESSION_CLOSE from other workers: ids = SessionId, the waiter's loop number and ticket, the new
     * SessionId (for the log); the session is ended on its loop if it is still established, and the waiter is
     * woken in any case.
     */
    public static void receiveFromOtherWorkers(ServerState server) {
        Messenger m = server.messenger();
        m.handle(MessageType.SESSION_CLOSE, msg -> {
            if (msg.idCount() != 4 || msg.id(1) < 0 || msg.id(1) > Integer.MAX_VALUE) {
                LOG.warning("pid " + m.pid() + ": " + msg + ": expected 4 ids (SessionId, loop number, ticket, new"
                        + " SessionId): ignored");
                return null;
            }
            Waiter w = new Waiter(msg.senderPid(), (int) msg.id(1), msg.id(2));
            SessionGlobal g = server.localSession(msg.id(0));
            if (g == null) {
                // ended meanwhile: nothing to do but answer; the wake-up only queues a message
                return new Endpoint.Delivery(Runnable::run, () -> m.wake(w));
            }
            return new Endpoint.Delivery(g.session().connection().channel().eventLoop(), () -> {
                try {
                    end(g, msg.id(3));
                } finally {
                    m.wake(w);
                }
            });
        });
        m.onUndelivered(MessageType.SESSION_CLOSE, (pid, msg, why) -> {
            LOG.info("pid " + m.pid() + ": " + msg + " not delivered to worker " + pid + " (" + why + "): its"
                    + " sessions are gone with it");
            m.wake(new Waiter((int) msg.id(1), msg.id(2)));
        });
    }

    /** On the previous session's loop: ends it if GlobalSessionTable still names it (not ended meanwhile). */
    private static void end(SessionGlobal g, long newId) {
        Session prev = g.session();
        if (prev.global() == g && prev.valid()) {
            end(prev, newId);
        }
    }

    private static void end(Session prev, long newId) {
        LOG.info("session 0x" + Long.toHexString(prev.id()) + " ends: session 0x" + Long.toHexString(newId)
                + " of the same user names it as its PreviousSessionId");
        prev.closeAsPrevious();
    }
}
