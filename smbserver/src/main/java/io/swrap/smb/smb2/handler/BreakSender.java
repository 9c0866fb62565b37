package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.MalformedMessageException;
import io.swrap.smb.ipc.MessageType;
import io.swrap.smb.oplock.BreakMessages;
import io.swrap.smb.oplock.BreakNotice;
import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.LeaseState;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2LeaseBreakNotification;
import io.swrap.smb.smb2.codec.Smb2OplockBreakResponse;
import io.swrap.smb.smb2.codec.Smb2Response;
import io.swrap.smb.smb2.codec.Smb2ResponseBody;
import io.swrap.smb.state.Client;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.DurableOpens;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.state.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Delivers the breaks the oplock table decided on ([MS-SMB2] 3.3.4.6 oplock break, 3.3.4.7 lease break):
 * an oplock break to the channels of the open's session, a lease break to the connections of the lease's
 * ClientGuid, both in creation order. A break counts as delivered once the client has taken it in (the
 * socket's send queue drained past it); a channel that leaves it unread for the configured time is
 * dropped, and the break goes to the next one. This is what keeps a break from being lost with a dead
 * channel ("multi-channel may eat your data" otherwise). With {@code smb2 disable oplock break retry}
 * oplock breaks go only to the newest channel and are not retried, as Windows does.
 */
public final class BreakSender {
    private static final Logger LOG = Logger.getLogger(BreakSender.class.getName());
    private static final long POLL_MS = 10;

    private BreakSender() {
    }

    /**
     * Sends {@code notices} (from any thread); each is a message to its target client's event loop (the
     * {@link io.swrap.smb.filestate.Messenger}), which delivers it there. In multi-process mode a break whose
     * holder's client is served by another worker process goes there as a message.
     */
    static void send(ServerState server, List<BreakNotice> notices) {
        send(server, notices, false);
    }

    /** @param fromOtherWorker the notices came by message: never broadcast again (see below) */
    private static void send(ServerState server, List<BreakNotice> notices, boolean fromOtherWorker) {
        for (BreakNotice n : notices) {
            if (forwarded(server, n)) {
                continue;
            }
            if (purgeDisconnected(server, n)) {
                continue;
            }
            Messenger m = server.messenger();
            if (!fromOtherWorker && n instanceof BreakNotice.LeaseBreak l && m.multiProcess()
                    && server.client(l.clientGuid()) == null) {
                // no worker serves the lease's client any more (its connection died, the master forgot its
                // ClientGuid): a disconnected durable open of another worker may hold the lease, and nobody is there
                // to acknowledge; each worker closes such an open of its own (purgeDisconnected), as this one did
                m.broadcast(BreakMessages.encode(n, m.pid()));
            }
            switch (n) {
                case BreakNotice.Oplock o -> {
                    Open open = server.open(o.owner());
                    if (open == null && o.owner().pid() != io.swrap.smb.filestate.OwnerId.SELF_PID) {
                        // held in another worker of a prefork server: delivery there needs worker messaging; until
                        // then the opener waits for the break timeout
                        LOG.warning("oplock break of " + o.owner() + " to " + OplockLevel.name(o.level())
                                + ": held in another process, no messaging to it");
                    } else if (open == null) {
                        LOG.fine(() -> "oplock break of " + o.owner() + ": closed meanwhile");
                    } else {
                        sendOplockBreak(server, open, o);
                    }
                }
                case BreakNotice.LeaseBreak l -> sendLeaseBreak(server, l);
            }
        }
    }

    /**
     * Multi-process mode: breaks from other workers are delivered here as if decided here; a break that cannot
     * reach its worker (it died) releases what its holder held, which wakes the opens waiting for it.
     */
    public static void receiveFromOtherWorkers(ServerState server) {
        Messenger m = server.messenger();
        Endpoint.Router router = msg -> {
            BreakNotice n;
            try {
                n = BreakMessages.decode(msg);
            } catch (MalformedMessageException e) {
                LOG.warning("pid " + m.pid() + ": break message refused: " + e.getMessage());
                return null;
            }
            // sent on as if decided here: forwarded again only if its client moved to yet another worker
            return new Endpoint.Delivery(loopOf(server, n), () -> send(server, List.of(n), true));
        };
        Endpoint.Undeliverable cleanup = (pid, msg, why) -> {
            // the holder's worker is gone: the dead-owner repair now rather than when the master restarts it
            int dropped = server.files().purge(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
            LOG.info("pid " + m.pid() + ": " + msg + " not delivered to worker " + pid + " (" + why
                    + "): dead-owner repair dropped " + dropped + " entries");
        };
        for (MessageType t : new MessageType[] {MessageType.OPLOCK_BREAK, MessageType.LEASE_BREAK}) {
            m.handle(t, router);
            m.onUndelivered(t, cleanup);
        }
    }

    /** Sends {@code n} to the worker process serving its holder's client, if that is another process. */
    private static boolean forwarded(ServerState server, BreakNotice n) {
        Messenger m = server.messenger();
        if (!m.multiProcess() || local(server, n)) {
            return false;
        }
        long to = switch (n) {
            // an open names its process; a lease is its client's, and a client is served by one worker
            case BreakNotice.Oplock o -> o.owner().pid() != m.pid() ? o.owner().pid() : 0;
            case BreakNotice.LeaseBreak l -> {
                long[] guid = BreakMessages.clientGuid(l);
                yield m.otherWorkerOf(guid[0], guid[1]);
            }
        };
        if (to == 0) {
            return false; // no other worker has it: delivered (or found stranded) here
        }
        m.send(to, BreakMessages.encode(n, m.pid()));
        return true;
    }

    private static boolean local(ServerState server, BreakNotice n) {
        return switch (n) {
            case BreakNotice.Oplock o -> server.open(o.owner()) != null;
            case BreakNotice.LeaseBreak l -> server.client(l.clientGuid()) != null;
        };
    }

    /** The loop a received break runs on: its target's, or the receiver's own when the target is gone here. */
    private static Executor loopOf(ServerState server, BreakNotice n) {
        EventLoop loop = switch (n) {
            case BreakNotice.Oplock o -> {
                Open open = server.open(o.owner());
                yield open == null ? null : open.tree().session().connection().channel().eventLoop();
            }
            case BreakNotice.LeaseBreak l -> {
                Client c = server.client(l.clientGuid());
                yield c == null ? null : c.loop();
            }
        };
        // a target gone needs only the stranded-break bookkeeping, which is thread-safe
        return loop != null ? loop : Runnable::run;
    }

    /**
     * A break of a durable open whose session is gone cannot be acknowledged: the open is closed instead
     * (which wakes whoever waits for the break), as Samba does. True when nothing is left to deliver.
     */
    private static boolean purgeDisconnected(ServerState server, BreakNotice n) {
        DurableOpens durable = server.durableOpens();
        return switch (n) {
            case BreakNotice.Oplock o -> {
                Open owner = server.open(o.owner());
                yield owner != null && durable.isDisconnected(owner) && durable.purge(open -> open == owner) > 0;
            }
            case BreakNotice.LeaseBreak l -> {
                int purged = durable.purge(open -> {
                    Granted g = server.oplocks().held(open.owner());
                    return g != null && g.isLease() && l.clientGuid().equals(open.clientGuid())
                            && Arrays.equals(g.leaseKey(), l.key());
                });
                yield purged > 0 && !server.oplocks().leaseHeld(l.clientGuid(), l.key());
            }
        };
    }

    private static void sendOplockBreak(ServerState server, Open open, BreakNotice.Oplock o) {
        int level = o.level();
        Session s = open.tree().session();
        EventLoop loop = s.connection().channel().eventLoop();
        SmbConfig.Oplocking cfg = server.config().oplocking();
        boolean lastOnly = cfg.disableOplockBreakRetry();
        String what = "oplock break of " + open.path().getFileName() + " to " + OplockLevel.name(level);
        Supplier<List<Connection>> targets = () -> {
            List<Connection> all = s.valid() ? s.boundConnections() : List.of();
            return lastOnly && !all.isEmpty() ? List.of(all.get(all.size() - 1)) : all;
        };
        Supplier<Smb2Response> message = () -> {
            Smb2Response r = notification(new Smb2OplockBreakResponse(level,
                    new Smb2FileId(open.persistentId(), open.volatileId())), s.encryptData() ? s.id() : 0);
            if (s.encryptData() && s.cipher() != null) {
                // 3.3.4.6: a break for a session that encrypts is encrypted with its key
                r.encryptWith(s.cipher());
            }
            return r;
        };
        server.messenger().post(server.messenger().worker(loop),
                () -> new Delivery(what, targets, message, !lastOnly, server, () -> stranded(server, o, what)).next());
    }

    /**
     * A break found no channel to go on: its holder's client went away after the break was decided, and its
     * session (torn down on this same loop, before) has closed or kept its opens. A kept durable open cannot
     * acknowledge, so it is closed now and the opener goes on at once (rather than after the break timeout).
     */
    private static void stranded(ServerState server, BreakNotice n, String what) {
        if (purgeDisconnected(server, n)) {
            LOG.info(what + ": its holder is disconnected; closed its durable open");
        } else {
            LOG.fine(() -> what + ": the holder's session closes its opens, which ends the wait");
        }
    }

    private static void sendLeaseBreak(ServerState server, BreakNotice.LeaseBreak l) {
        Client c = server.client(l.clientGuid());
        if (c == null) {
            stranded(server, l, "lease break of client " + l.clientGuid());
            return;
        }
        String what = "lease break " + HexFormat.of().formatHex(l.key()) + " " + LeaseState.name(l.from()) + " -> "
                + LeaseState.name(l.to());
        Supplier<List<Connection>> targets = c::connections;
        Supplier<Smb2Response> message = () -> notification(new Smb2LeaseBreakNotification(
                l.version() >= 2 ? l.epoch() : 0, l.ackRequired(), l.key(), l.from(), l.to()), 0);
        server.messenger().post(server.messenger().worker(c.loop()),
                () -> new Delivery(what, targets, message, true, server, () -> stranded(server, l, what)).next());
    }

    /** 2.2.23: MessageId all ones, no session or tree, unsigned, SERVER_TO_REDIR; grants no credits. */
    private static Smb2Response notification(Smb2ResponseBody body, long sessionId) {
        ByteBuf b = Unpooled.buffer();
        body.encode(b);
        return new Smb2Response(Smb2Command.OPLOCK_BREAK, NtStatus.SUCCESS, b, -1L, 0, 0, sessionId, 0, 0);
    }

    /** One break on its way: the channels tried so far, the one it waits on. Runs on one event loop. */
    private static final class Delivery {
        private final String what;
        private final Supplier<List<Connection>> targets;
        private final Supplier<Smb2Response> message;
        private final boolean retry;
        private final boolean track;
        private final long timeoutNanos;
        private final Runnable stranded;
        private final List<Connection> tried = new ArrayList<>();
        /** The channel the break waits on; null once it moved on (or found none). */
        private volatile Connection current;

        Delivery(String what, Supplier<List<Connection>> targets, Supplier<Smb2Response> message, boolean retry,
                ServerState server, Runnable stranded) {
            this.stranded = stranded;
            this.what = what;
            this.targets = targets;
            this.message = message;
            this.retry = retry;
            // without multichannel there is no other channel to retry on: hand the break to the one there is
            this.track = server.config().multiChannel();
            this.timeoutNanos = server.config().oplocking().breakAckTimeout().toNanos();
        }

        void next() {
            Connection conn = targets.get().stream()
                    .filter(c -> !tried.contains(c) && c.channel().isActive()).findFirst().orElse(null);
            if (conn == null) {
                LOG.info(what + ": no channel left to deliver it on (tried " + tried.size() + ")");
                stranded.run();
                return;
            }
            tried.add(conn);
            current = conn;
            Channel ch = conn.channel();
            // on the event loop the write runs through the pipeline at once: the count includes the break now
            ChannelFuture written = ch.writeAndFlush(message.get());
            long mark = conn.ack().queued();
            written.addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.info(what + " not sent on " + ch.remoteAddress() + ": " + f.cause());
                    giveUp(conn);
                }
            });
            if (track) {
                // watched from now on, not from the write's completion: a socket that takes nothing (its buffer
                // full, the peer gone silent) keeps the break in Netty's buffer and the write from completing
                long deadline = System.nanoTime() + timeoutNanos;
                ch.eventLoop().execute(() -> watch(conn, mark, deadline));
            }
        }

        /** Moves the break on from {@code conn} once, whichever of its write and its watch sees it fail first. */
        private void giveUp(Connection conn) {
            if (current != conn) {
                return;
            }
            current = null;
            if (retry) {
                next();
            }
        }

        /** Polls the send queue until the client took the break in, the channel died, or the time is up. */
        private void watch(Connection conn, long mark, long deadline) {
            Channel ch = conn.channel();
            if (current != conn) {
                return; // its write failed: the break moved on already
            }
            if (!ch.isActive()) {
                giveUp(conn);
                return;
            }
            if (conn.ack().consumed(ch) >= mark) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                LOG.warning(what + ": " + ch.remoteAddress() + " left it unread for "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"
                        + (conn.ack().isForceUnacked() ? " (FSCTL_SMBTORTURE_FORCE_UNACKED_TIMEOUT)" : "")
                        + ": dropping that channel" + (retry ? ", trying the next" : ""));
                ch.close().addListener(f -> giveUp(conn));
                return;
            }
            ch.eventLoop().schedule(() -> watch(conn, mark, deadline), POLL_MS, TimeUnit.MILLISECONDS);
        }
    }
}
