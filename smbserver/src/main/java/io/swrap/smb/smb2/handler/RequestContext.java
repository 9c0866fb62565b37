package io.swrap.smb.smb2.handler;

import io.netty.channel.ChannelHandlerContext;
import io.swrap.smb.io.IoPool;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.codec.Smb2Request;
import io.swrap.smb.state.ChannelSequence;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.OutstandingRequests;
import io.swrap.smb.state.Session;
import io.swrap.smb.state.TreeConnect;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One request being handled, with the state the dispatcher resolved for it ([MS-SMB2] 3.3.5.2.9, 3.3.5.2.11). */
final class RequestContext {
    final Smb2Request request;
    final Connection conn;
    final ChannelHandlerContext ctx;
    Session session;
    TreeConnect tree;
    /** {@link #session} is a session of this connection's client that is not bound to this connection. */
    boolean unboundSession;
    /**
     * The key that signs this request's response when the handler ends the session's channels first
     * (LOGOFF): the channel's key as it was, which the client expects on a bound channel.
     */
    io.swrap.smb.smb2.crypto.Smb2Signer signerBeforeClose;
    /**
     * Signs the error answering a SESSION_SETUP that names another client's session (Session.SigningKey from
     * GlobalSessionTable): the client checks it with that key, as against Samba and Windows.
     */
    io.swrap.smb.smb2.crypto.Smb2Signer foreignSigner;
    /** Set by the dispatcher: the reply waits for the I/O pool; {@link #pipelined}: beside others of its kind. */
    boolean waits;
    boolean pipelined;
    /**
     * The open this request is counted on (Open.OutstandingRequestCount, [MS-SMB2] 3.3.5.2.10) and its ticket,
     * until {@link #requestEnded}; null when it names no open or was not counted.
     */
    private Open counted;
    private OutstandingRequests.Ticket ticket;
    /** Called with the encoded response, for the preauth integrity hash. */
    java.util.function.Consumer<io.netty.buffer.ByteBuf> onEncoded;

    RequestContext(Smb2Request request, Connection conn, ChannelHandlerContext ctx) {
        this.request = request;
        this.conn = conn;
        this.ctx = ctx;
    }

    /** A blocking file operation, run on the I/O pool: it touches only the file and the buffers it owns. */
    interface IoWork<T> {
        T run() throws Smb2Exception, IOException;
    }

    /** Turns an I/O operation's result into the reply, on the connection's loop; it owns the result. */
    interface Finish<T> {
        Reply apply(T result) throws Smb2Exception, IOException;
    }

    /**
     * Runs {@code work} on the server's I/O pool and answers with {@code finish} of its result on this
     * connection's loop, where the protocol state may be touched again. The dispatcher answers no other
     * request of this connection meanwhile (but other lone READs and WRITEs beside a lone READ or WRITE) and keeps
     * the request (and so a WRITE's data) retained until then;
     * {@code release} frees a result that never reaches {@code finish} (the server shutting down).
     */
    <T> Reply offLoop(IoWork<T> work, Finish<T> finish, Consumer<T> release) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        conn.server().io().submit(new IoPool.IoTask<T>() {
            @Override
            public T run() throws Exception {
                return work.run();
            }

            @Override
            public void done(T result, Throwable failure) {
                if (failure != null) {
                    reply.completeExceptionally(failure);
                    return;
                }
                try {
                    reply.complete(finish.apply(result));
                } catch (Smb2Exception | IOException | RuntimeException e) {
                    reply.completeExceptionally(e);
                }
            }

            @Override
            public void discard(T result) {
                if (result != null) {
                    release.accept(result);
                }
            }
        }, conn.channel().eventLoop());
        return Reply.later(reply);
    }

    /** Closes the connection without a response, as the spec requires for some protocol violations. */
    void disconnect(String reason) {
        java.util.logging.Logger.getLogger(RequestContext.class.getName()).warning(
                "disconnecting " + conn.channel().remoteAddress() + ": " + reason);
        ctx.close();
    }

    /**
     * The open named by {@code id} in this session and tree; in a related compound the all-ones FileId
     * means the previous operation's ([MS-SMB2] 3.3.5.2.7.2).
     */
    Open open(Smb2FileId id) throws Smb2Exception {
        Smb2FileId fid = id;
        if (id.equals(Smb2FileId.COMPOUND) && request.header().isRelated()) {
            fid = conn.compound().fileId();
        }
        Open o = session.open(fid.volatileId());
        if (o == null || o.persistentId() != fid.persistent() || o.tree() != tree) {
            throw new Smb2Exception(NtStatus.FILE_CLOSED, "FileId " + Long.toHexString(fid.persistent()) + ":"
                    + Long.toHexString(fid.volatileId()) + " is not open on tree " + request.treeId());
        }
        verifyChannelSequence(o);
        // the client used the FileId, so it got the CREATE response: that CREATE is no longer replayed (Samba)
        conn.server().replayCache().forget(o);
        conn.compound().use(o.persistentId(), o.volatileId());
        return o;
    }

    /**
     * [MS-SMB2] 3.3.5.2.10: a 3.x request carries ChannelSequence in place of Status; a newer one becomes
     * the open's, and the request is counted on the open until its final response ({@link #requestEnded}). A
     * request not counted — a stale sequence, or a replay while requests of an older sequence are still
     * outstanding — may not modify the open (WRITE, SET_INFO, IOCTL, as Samba), so that a request delayed on a
     * failed channel cannot undo what the client did since. A handler that looks the open up again (a CLOSE
     * after waiting for a break) is counted once.
     */
    private void verifyChannelSequence(Open o) throws Smb2Exception {
        if (!Smb2Dialect.isSmb3(conn.dialect()) || counted != null) {
            return;
        }
        int requested = request.header().status() & 0xFFFF;
        boolean replay = (request.header().flags() & Smb2Header.FLAGS_REPLAY_OPERATION) != 0;
        OutstandingRequests.Ticket t = o.requestStarted(requested, replay);
        if (t != null) {
            counted = o;
            ticket = t;
            return;
        }
        int cmd = request.command();
        if (cmd == Smb2Command.WRITE || cmd == Smb2Command.SET_INFO || cmd == Smb2Command.IOCTL) {
            OutstandingRequests r = o.outstandingRequests();
            throw new Smb2Exception(NtStatus.FILE_NOT_AVAILABLE, Smb2Command.name(cmd)
                    + (ChannelSequence.compare(requested, r.sequence()) == ChannelSequence.Verdict.STALE
                            ? " with stale ChannelSequence " + requested + " (the open's is " + r.sequence()
                                    + "): the client has moved on from the channel that sent it"
                            : " replayed with ChannelSequence " + requested + " while " + r.preOutstanding()
                                    + " request(s) of an older ChannelSequence are outstanding on the open:"
                                    + " the original may still be running; the client retries later"));
        }
    }

    /** The request got its final response (or none will come): it is no longer outstanding on its open. */
    void requestEnded() {
        if (counted != null) {
            Open o = counted;
            counted = null;
            o.requestEnded(ticket);
            ticket = null;
        }
    }
}
