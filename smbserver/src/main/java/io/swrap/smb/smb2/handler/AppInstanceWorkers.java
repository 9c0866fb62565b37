package io.swrap.smb.smb2.handler;

import io.netty.channel.EventLoop;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageCodec;
import io.swrap.smb.ipc.MessageType;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.DurableOpens;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.vfs.Share;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * [MS-SMB2] 3.3.5.9.13 across the workers of a prefork server: a CREATE with an AppInstanceId closes the same
 * user's opens of that AppInstanceId on its name and share held by other ClientGuids in other workers too, before
 * its own share check (as {@link AppInstance} does in one process), so it is neither refused a sharing violation
 * nor breaks them. It sends {@link MessageType#APP_INSTANCE_CLOSE} (ids: ticket; payload: AppInstanceId, user,
 * share, name, ClientGuid) to every other worker; each closes what matches, as a CLOSE would (a disconnected
 * durable open through its durable table), and answers {@link MessageType#APP_INSTANCE_CLOSED} (ids: ticket,
 * opens closed) when they are closed. The CREATE goes on when every worker answered (an undeliverable message
 * counts: that worker is gone with its opens), or after {@code smbserver:prefork durable claim timeout}.
 */
public final class AppInstanceWorkers {
    private static final Logger LOG = Logger.getLogger(AppInstanceWorkers.class.getName());
    private static final AtomicLong TICKETS = new AtomicLong();
    private static final Map<Long, Pending> PENDING = new ConcurrentHashMap<>();

    private record Pending(AtomicInteger left, CompletableFuture<Void> done) {
    }

    private AppInstanceWorkers() {
    }

    /**
     * Completes on the CREATE's loop once the other workers closed what matches (at once in one process, or when
     * the message would not fit: the CREATE then goes on as in one worker).
     */
    static CompletableFuture<Void> closeElsewhere(RequestContext rc, Smb2CreateRequest req, byte[] appInstanceId) {
        ServerState server = rc.conn.server();
        Messenger m = server.messenger();
        List<Long> others = m.otherWorkers();
        String user = rc.session.user();
        if (others.isEmpty() || user.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String client = rc.conn.client() != null ? rc.conn.client().guid() : "";
        byte[][] strings = {DurableClaim.utf8(user), DurableClaim.utf8(rc.tree.share().name()),
            DurableClaim.utf8(req.name()), DurableClaim.utf8(client)};
        int size = 16;
        for (byte[] s : strings) {
            size += 2 + s.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(appInstanceId);
        for (byte[] s : strings) {
            DurableClaim.putString(b, s);
        }
        long ticket = TICKETS.incrementAndGet();
        Message msg = new Message(MessageType.APP_INSTANCE_CLOSE, m.pid(), new long[] {ticket}, b.array());
        int max = server.config().prefork().messaging().maxMessageSize();
        if (MessageCodec.length(msg) > max) {
            LOG.warning("CREATE of '" + req.name() + "' with an AppInstanceId: its message to the other workers"
                    + " takes " + MessageCodec.length(msg) + " bytes, more than smbserver:ipc max message size ("
                    + max + "); their opens of this application instance are not closed: raise the setting");
            return CompletableFuture.completedFuture(null);
        }
        EventLoop ours = rc.conn.channel().eventLoop();
        Pending p = new Pending(new AtomicInteger(others.size()), new CompletableFuture<>());
        PENDING.put(ticket, p);
        long timeout = server.config().prefork().durableClaimTimeout().toMillis();
        ours.schedule(() -> {
            if (PENDING.remove(ticket, p) && p.done.complete(null)) {
                LOG.warning("CREATE of '" + req.name() + "' with an AppInstanceId goes on without every other"
                        + " worker's word that its opens of the instance are closed, after " + timeout
                        + " ms (smbserver:prefork durable claim timeout)");
            }
        }, timeout, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> onLoop = new CompletableFuture<>();
        p.done.whenComplete((v, e) -> {
            try {
                ours.execute(() -> onLoop.complete(null));
            } catch (RejectedExecutionException shutdown) {
                onLoop.completeExceptionally(shutdown);
            }
        });
        for (long pid : others) {
            m.send(pid, msg);
        }
        return onLoop;
    }

    /** Handles APP_INSTANCE_CLOSE and APP_INSTANCE_CLOSED from other workers. */
    public static void receiveFromOtherWorkers(ServerState server) {
        Messenger m = server.messenger();
        m.handle(MessageType.APP_INSTANCE_CLOSE, msg -> {
            if (msg.idCount() != 1) {
                LOG.warning("pid " + m.pid() + ": " + msg + ": expected 1 id (ticket): ignored");
                return null;
            }
            return new Endpoint.Delivery(Runnable::run, () -> closeHere(server, msg));
        });
        m.handle(MessageType.APP_INSTANCE_CLOSED, msg -> {
            if (msg.idCount() != 2) {
                LOG.warning("pid " + m.pid() + ": " + msg + ": expected 2 ids (ticket, opens closed): ignored");
                return null;
            }
            return new Endpoint.Delivery(Runnable::run, () -> answered(msg.id(0)));
        });
        m.onUndelivered(MessageType.APP_INSTANCE_CLOSE, (pid, msg, why) -> answered(msg.id(0)));
        m.onUndelivered(MessageType.APP_INSTANCE_CLOSED, (pid, msg, why) -> LOG.fine(() -> msg
                + " not delivered to worker " + pid + " (" + why + ")"));
    }

    private static void answered(long ticket) {
        Pending p = PENDING.get(ticket);
        if (p != null && p.left.decrementAndGet() == 0 && PENDING.remove(ticket, p)) {
            p.done.complete(null);
        }
    }

    /** In another worker: closes the matching opens, then answers (also when none matched or the ask is bad). */
    private static void closeHere(ServerState server, Message msg) {
        Messenger m = server.messenger();
        long ticket = msg.id(0);
        List<Open> matching;
        try {
            matching = matching(server, msg.payload());
        } catch (IllegalArgumentException | BufferUnderflowException | Smb2Exception e) {
            LOG.warning("pid " + m.pid() + ": " + msg + ": " + e.getMessage() + ": nothing closed");
            matching = List.of();
        }
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        DurableOpens durable = server.durableOpens();
        for (Open o : matching) {
            LOG.info("closing open " + Long.toHexString(o.persistentId()) + " of " + o.path() + " of ClientGuid "
                    + o.clientGuid() + ": a client in worker " + msg.senderPid() + " opens it with its AppInstanceId");
            if (durable.isDisconnected(o)) {
                durable.purge(x -> x == o);
                continue;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            closed.add(f);
            try {
                o.tree().session().connection().channel().eventLoop().execute(() -> {
                    try {
                        if (!o.isClosed()) {
                            o.tree().session().closeOpen(o);
                        }
                    } finally {
                        f.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                f.complete(null); // its loop is gone: the open with it
            }
        }
        int n = matching.size();
        CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> m.send(
                msg.senderPid(), new Message(MessageType.APP_INSTANCE_CLOSED, m.pid(), ticket, n)));
    }

    /** This worker's opens that the CREATE described by {@code payload} closes (the rules of {@link AppInstance}). */
    private static List<Open> matching(ServerState server, byte[] payload) throws Smb2Exception {
        ByteBuffer b = ByteBuffer.wrap(payload);
        byte[] id = new byte[16];
        b.get(id);
        String user = DurableClaim.string(b);
        String shareName = DurableClaim.string(b);
        String name = DurableClaim.string(b);
        String client = DurableClaim.string(b);
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " bytes after the ClientGuid");
        }
        Share share = server.share(shareName);
        List<Open> out = new ArrayList<>();
        if (share == null || user.isEmpty()) {
            return out;
        }
        Path target = share.resolve(name).path();
        for (Open o : server.opens()) {
            if (Arrays.equals(o.appInstanceId(), id) && !o.isClosed() && o.tree().share() == share
                    && o.path().equals(target) && !Objects.equals(o.clientGuid(), client.isEmpty() ? null : client)
                    && user.equals(o.tree().session().user())) {
                out.add(o);
            }
        }
        return out;
    }
}
