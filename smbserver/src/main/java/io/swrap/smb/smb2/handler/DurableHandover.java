package io.swrap.smb.smb2.handler;

import io.netty.channel.EventLoop;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageCodec;
import io.swrap.smb.ipc.MessageType;
import io.swrap.smb.oplock.Granted;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.vfs.Stat;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A durable reconnect in a prefork server whose disconnected open is kept by another worker (the one its old
 * connection was in; the new connection may land elsewhere). The reconnect sends a {@link MessageType#DURABLE_CLAIM}
 * to every other worker and waits, at most {@code smbserver:prefork durable claim timeout}. A worker that does not
 * keep the open answers "not here"; the one that does checks the claim as {@link DurableReconnect#check} would and
 * refuses it with that status, or hands the open over: in one locked section of the file's record its share mode,
 * byte-range locks and oplock or lease become the claimant's ({@code FileStore.transfer}), its descriptors close
 * ({@link Open#detach}) and its {@link MessageType#DURABLE_ANSWER} carries what the claimant rebuilds it from
 * ({@link DurableHandoff}). The claimant reopens the file by its name beneath the share, checks it is the same
 * file (device and inode), and answers the CREATE with the same FileId. No answer in time, or every worker "not
 * here" (a dead one counts so), is OBJECT_NAME_NOT_FOUND. Opens of named streams are not handed over, nor is
 * the lock-sequence array of an open (a replayed LOCK after the hand-over is processed again).
 */
public final class DurableHandover {
    private static final Logger LOG = Logger.getLogger(DurableHandover.class.getName());
    /** The outcome id of an answer from a worker that keeps no such open. */
    private static final long NOT_HERE = -1;
    private static final long HANDED_OVER = 0;
    /** Longest refusal text carried back (the holder's reason, for the claimant's log and error). */
    private static final int MAX_REASON_BYTES = 1024;
    private static final AtomicLong TICKETS = new AtomicLong();
    /** Claims waiting for answers, by ticket; each goes at its answer or timeout. */
    private static final Map<Long, Pending> PENDING = new ConcurrentHashMap<>();

    private DurableHandover() {
    }

    private record Pending(String what, AtomicInteger left, CompletableFuture<DurableHandoff> answer) {
    }

    /** Asks the other workers for the disconnected open {@code id}; the reply is the CREATE's, or its failure. */
    static Reply claim(RequestContext rc, Smb2CreateRequest req, long id, DurableClaim c, String what)
            throws Smb2Exception {
        ServerState server = rc.conn.server();
        Messenger m = server.messenger();
        List<Long> others = m.otherWorkers();
        if (others.isEmpty()) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": no disconnected durable open has it");
        }
        long ticket = TICKETS.incrementAndGet();
        Message msg = new Message(MessageType.DURABLE_CLAIM, m.pid(), new long[] {id, ticket}, c.encode());
        int max = server.config().prefork().messaging().maxMessageSize();
        if (MessageCodec.length(msg) > max) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": its claim to the other workers takes "
                    + MessageCodec.length(msg) + " bytes, more than smbserver:ipc max message size (" + max
                    + "): raise it to reconnect opens with names this long");
        }
        Pending p = new Pending(what, new AtomicInteger(others.size()), new CompletableFuture<>());
        PENDING.put(ticket, p);
        EventLoop ours = rc.conn.channel().eventLoop();
        long timeout = server.config().prefork().durableClaimTimeout().toMillis();
        ScheduledFuture<?> timer = ours.schedule(() -> {
            if (PENDING.remove(ticket, p)) {
                p.answer.completeExceptionally(new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": not all of "
                        + others.size() + " other workers answered within " + timeout
                        + " ms (smbserver:prefork durable claim timeout), none handed it over"));
            }
        }, timeout, TimeUnit.MILLISECONDS);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        p.answer.whenComplete((h, failure) -> {
            timer.cancel(false);
            try {
                ours.execute(() -> {
                    if (failure != null) {
                        reply.completeExceptionally(failure);
                        return;
                    }
                    try {
                        reply.complete(rebuild(rc, req, h, what));
                    } catch (RuntimeException e) {
                        abandon(server, h, what + ": " + e.getMessage());
                        reply.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // the server is shutting down: what was handed over goes with this process
                reply.completeExceptionally(e);
            }
        });
        for (long pid : others) {
            // one that cannot be delivered counts as "not here" (onUndelivered): its worker, and its opens, are gone
            m.send(pid, msg);
        }
        return Reply.later(reply);
    }

    /** On the loop: the file reopened by its name beneath the share (on the I/O pool), then the open rebuilt. */
    private static Reply rebuild(RequestContext rc, Smb2CreateRequest req, DurableHandoff h, String what) {
        Share share = rc.tree.share();
        ServerState server = rc.conn.server();
        return rc.offLoop(() -> reopen(share, h, what), r -> {
            if (r.failure() != null) {
                abandon(server, h, what + ": " + r.failure().getMessage());
                throw r.failure();
            }
            try {
                return finish(rc, req, h, r, what);
            } catch (Smb2Exception | RuntimeException e) {
                r.close();
                abandon(server, h, what + ": " + e.getMessage());
                throw e;
            }
        }, r -> {
            r.close();
            abandon(server, h, what + ": the server is shutting down");
        });
    }

    /** The reopened file; {@code failure} when it could not be (the loop releases what was handed over). */
    private record Reopened(Vfs.Handle handle, FileChannel channel, FileInfo info, Smb2Exception failure) {
        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "closing the data channel of a reopened durable open failed", e);
                }
            }
            if (handle != null) {
                handle.close();
            }
        }
    }

    /** On the I/O pool: opens {@code h.rel()} beneath the share and checks it is the file handed over. */
    private static Reopened reopen(Share share, DurableHandoff h, String what) {
        Vfs.Handle handle = null;
        try {
            handle = share.vfs().open(h.rel());
            Stat st = handle.stat();
            if (st.dev() != h.dev() || st.ino() != h.ino()) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": '" + h.rel() + "' of share ["
                        + share.name() + "] is now file " + st.dev() + ":" + st.ino() + ", not the open's "
                        + h.dev() + ":" + h.ino() + " (renamed or replaced meanwhile)");
            }
            FileChannel ch = CreateHandler.dataChannel(handle, h.directory(), h.access());
            return new Reopened(handle, ch, FileInfo.of(handle), null);
        } catch (VfsException e) {
            close(handle);
            return new Reopened(null, null, null, new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what
                    + ": reopening '" + h.rel() + "' of share [" + share.name() + "] failed: " + e.getMessage()));
        } catch (Smb2Exception e) {
            close(handle);
            return new Reopened(null, null, null, e);
        } catch (IOException | RuntimeException e) {
            close(handle);
            return new Reopened(null, null, null, new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what
                    + ": reopening '" + h.rel() + "' of share [" + share.name() + "] failed: " + e, e));
        }
    }

    private static void close(Vfs.Handle h) {
        if (h != null) {
            h.close();
        }
    }

    /** On the loop: the open rebuilt with its FileId, owning what its record holds for it. */
    private static Reply finish(RequestContext rc, Smb2CreateRequest req, DurableHandoff h, Reopened r, String what)
            throws Smb2Exception {
        ServerState server = rc.conn.server();
        if (!rc.session.valid()) {
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, what + ": session 0x"
                    + Long.toHexString(rc.session.id()) + " ended while the open was handed over");
        }
        FileKey key = new FileKey(h.dev(), h.ino());
        OwnerId owner = new OwnerId(h.guidHi(), h.guidLo(), h.fileId(), h.fileId());
        ShareModes.Entry entry;
        try {
            entry = server.shareModes().adopt(key, rc.tree.share().key(h.rel()), owner);
        } catch (IllegalStateException e) {
            // the record lost it meanwhile (the dead-owner repair took this process for gone): nothing to take
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": " + e.getMessage());
        }
        Open open = new Open(h.fileId(), h.fileId(), rc.tree, h.directory(), h.access(), entry, r.handle(),
                r.channel());
        open.deleteOnClose(h.deleteOnClose());
        open.createAction(h.createAction());
        open.position(h.position());
        open.allocation(h.allocation());
        open.makeDurable(h.v2(), h.timeoutMs());
        open.createGuid(h.createGuid());
        open.clientGuid(h.clientGuid());
        open.appInstanceId(h.appInstanceId());
        open.channelSequence(rc.request.header().status() & 0xFFFF);
        Granted held = server.oplocks().adopt(key, owner);
        rc.session.addOpen(open);
        rc.conn.compound().use(open.persistentId(), open.volatileId());
        LOG.info(what + ": handed over by another worker, reopened as '" + h.rel() + "'");
        return Reply.ok(DurableReconnect.response(rc, req, open, held, r.info()));
    }

    /**
     * What was handed over to this process but became no open here (the reopen failed, the session ended, the
     * answer came after the timeout): released as a close would, so the file is not held by nobody.
     */
    private static void abandon(ServerState server, DurableHandoff h, String why) {
        FileKey key = new FileKey(h.dev(), h.ino());
        OwnerId owner = new OwnerId(h.guidHi(), h.guidLo(), h.fileId(), h.fileId());
        LOG.warning("durable open " + Long.toHexString(h.fileId()) + " of '" + h.rel() + "' handed over to pid "
                + OwnerId.SELF_PID + " is released: " + why);
        try {
            server.locks().releaseAll(key, owner);
            server.oplocks().adopt(key, owner);
            server.oplocks().release(owner);
            server.shareModes().release(server.shareModes().adopt(key, null, owner));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing durable open " + Long.toHexString(h.fileId()) + " of '" + h.rel()
                    + "' failed; the dead-owner repair drops it when this worker ends", e);
        }
    }

    /** Handles DURABLE_CLAIM and DURABLE_ANSWER from other workers. */
    public static void receiveFromOtherWorkers(ServerState server) {
        Messenger m = server.messenger();
        m.handle(MessageType.DURABLE_CLAIM, msg -> {
            if (msg.idCount() != 2) {
                LOG.warning("pid " + m.pid() + ": " + msg + ": expected 2 ids (FileId, ticket): ignored");
                return null;
            }
            // the disconnected open has no loop: the durable table and the file's record have their own locks
            return new Endpoint.Delivery(Runnable::run, () -> m.send(msg.senderPid(), answer(server, msg)));
        });
        m.handle(MessageType.DURABLE_ANSWER, msg -> {
            if (msg.idCount() != 2) {
                LOG.warning("pid " + m.pid() + ": " + msg + ": expected 2 ids (ticket, outcome): ignored");
                return null;
            }
            return new Endpoint.Delivery(Runnable::run, () -> answered(server, msg));
        });
        m.onUndelivered(MessageType.DURABLE_CLAIM, (pid, msg, why) -> {
            LOG.info("pid " + m.pid() + ": " + msg + " not delivered to worker " + pid + " (" + why + "): its"
                    + " durable opens are gone with it");
            notHere(msg.id(1));
        });
        m.onUndelivered(MessageType.DURABLE_ANSWER, (pid, msg, why) -> LOG.info("pid " + m.pid() + ": " + msg
                + " not delivered to worker " + pid + " (" + why + "): what it was handed goes when the dead-owner"
                + " repair drops that worker's entries"));
    }

    /** In the worker that may keep the open: the answer to a claim (handing it over if the claim is good). */
    static Message answer(ServerState server, Message msg) {
        long pid = server.messenger().pid();
        long id = msg.id(0);
        long ticket = msg.id(1);
        DurableClaim c;
        try {
            c = DurableClaim.decode(msg.payload());
        } catch (IllegalArgumentException e) {
            LOG.warning("pid " + pid + ": " + msg + ": " + e.getMessage() + ": refused");
            return refusal(pid, ticket, NtStatus.OBJECT_NAME_NOT_FOUND, "malformed claim: " + e.getMessage());
        }
        Open open = server.durableOpens().find(id);
        if (open == null) {
            return new Message(MessageType.DURABLE_ANSWER, pid, ticket, NOT_HERE);
        }
        String what = (c.v2() ? "DH2C" : "DHnC") + " reconnect of FileId " + Long.toHexString(id) + " in worker "
                + msg.senderPid();
        DurableHandoff h;
        try {
            DurableReconnect.check(what, open, server.oplocks().held(open.owner()), c);
            if (!open.key().stream().isEmpty()) {
                throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": an open of a named stream ("
                        + open.path().getFileName() + ") is not handed over between workers");
            }
            FileKey key = open.key();
            OwnerId owner = open.owner();
            h = new DurableHandoff(open.tree().share().rel(open.path()), open.isDirectory(), open.access(),
                    key.dev(), key.ino(), owner.clientGuidHi(), owner.clientGuidLo(), open.persistentId(),
                    open.position(), open.allocation(), open.createAction(), open.deleteOnClose(), open.durableV2(),
                    open.durableTimeoutMs(), open.clientGuid(), open.createGuid(), open.appInstanceId());
        } catch (Smb2Exception e) {
            LOG.info("pid " + pid + ": " + e.getMessage() + ": refused");
            return refusal(pid, ticket, e.status(), e.getMessage());
        }
        Message handed = new Message(MessageType.DURABLE_ANSWER, pid, new long[] {ticket, HANDED_OVER}, h.encode());
        int max = server.config().prefork().messaging().maxMessageSize();
        if (MessageCodec.length(handed) > max) {
            LOG.warning("pid " + pid + ": " + what + ": the hand-over of " + open.path() + " takes "
                    + MessageCodec.length(handed) + " bytes, more than smbserver:ipc max message size (" + max
                    + "): kept here; raise the setting to hand over opens with names this long");
            return refusal(pid, ticket, NtStatus.OBJECT_NAME_NOT_FOUND, what + ": the hand-over would exceed"
                    + " smbserver:ipc max message size (" + max + ")");
        }
        if (!server.durableOpens().take(open)) {
            // reconnected here, expired or purged meanwhile
            return new Message(MessageType.DURABLE_ANSWER, pid, ticket, NOT_HERE);
        }
        server.files().transfer(open.shareEntry(), msg.senderPid());
        open.detach();
        LOG.info("pid " + pid + ": " + what + ": durable open of " + open.path() + " handed over");
        return handed;
    }

    private static Message refusal(long pid, long ticket, int status, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_REASON_BYTES) {
            text = java.util.Arrays.copyOf(text, MAX_REASON_BYTES);
        }
        return new Message(MessageType.DURABLE_ANSWER, pid, new long[] {ticket, Integer.toUnsignedLong(status)},
                text);
    }

    /** In the claimant: one worker's answer. */
    private static void answered(ServerState server, Message msg) {
        long ticket = msg.id(0);
        long outcome = msg.id(1);
        if (outcome == NOT_HERE) {
            notHere(ticket);
            return;
        }
        Pending p = PENDING.get(ticket);
        if (outcome != HANDED_OVER) {
            if (p != null && PENDING.remove(ticket, p)) {
                p.answer.completeExceptionally(new Smb2Exception((int) outcome, "worker " + msg.senderPid()
                        + " refused: " + new String(msg.payload(), StandardCharsets.UTF_8)));
            }
            return;
        }
        DurableHandoff h;
        try {
            h = DurableHandoff.decode(msg.payload());
        } catch (IllegalArgumentException e) {
            LOG.warning("pid " + server.messenger().pid() + ": " + msg + ": " + e.getMessage() + ": what it hands"
                    + " over stays held until the dead-owner repair drops this worker's entries");
            if (p != null && PENDING.remove(ticket, p)) {
                p.answer.completeExceptionally(new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, p.what()
                        + ": worker " + msg.senderPid() + " answered a malformed hand-over: " + e.getMessage()));
            }
            return;
        }
        if (p != null && PENDING.remove(ticket, p)) {
            p.answer.complete(h);
        } else {
            abandon(server, h, "its hand-over came after the claim's timeout (smbserver:prefork durable claim"
                    + " timeout)");
        }
    }

    private static void notHere(long ticket) {
        Pending p = PENDING.get(ticket);
        if (p != null && p.left.decrementAndGet() == 0 && PENDING.remove(ticket, p)) {
            p.answer.completeExceptionally(new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, p.what()
                    + ": no worker keeps a disconnected durable open with it"));
        }
    }
}
