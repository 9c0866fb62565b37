package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.ReferenceCountUtil;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb1NegotiateRequest;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2ErrorResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2Request;
import io.swrap.smb.smb2.codec.Smb2Response;
import io.swrap.smb.smb2.codec.Smb2ResponseBody;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Session;
import io.swrap.smb.state.SessionGlobal;
import io.swrap.smb.state.TreeConnect;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dispatch step ([MS-SMB2] 3.3.5.2): resolves session and tree, enforces per-session and per-share
 * encryption (3.3.5.2.9, 3.3.5.2.11), calls the command's handler, and turns its reply or failure into
 * an {@link Smb2Response}, deciding signing (3.3.4.1.1) and encryption (3.3.4.1.4). A handler whose file
 * operation runs on the I/O pool ({@link RequestContext#offLoop}) is answered when it completes, on this
 * connection's loop; the connection's later requests are held (and the connection not read) until then, so
 * that compound chains, compound state and the order of its responses stay as they were. Lone READs and WRITEs
 * (not in a compound) are the exception: up to {@code smbserver:io requests per connection} run at once and are
 * answered as they complete.
 */
public final class Smb2Dispatcher extends SimpleChannelInboundHandler<Object> {
    private static final Logger LOG = Logger.getLogger(Smb2Dispatcher.class.getName());

    private final Connection conn;
    private final Map<Integer, Smb2CommandHandler> handlers;
    private final NegotiateHandler negotiate;
    /**
     * The most requests kept while one waits for its file operation: the credit window bounds the requests
     * a client has in flight, CANCELs (which take no credit) get a margin.
     */
    static final int MAX_HELD_REQUESTS = io.swrap.smb.state.CreditWindow.MAX_CREDITS + 256;
    /** A request of this connection waits for the I/O pool: the next ones are held until it is answered. */
    private boolean waitingForIo;
    /** Lone READs and WRITEs of this connection in the I/O pool, answered as each completes. */
    private int pipelined;
    private final int maxPipelined;
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    public Smb2Dispatcher(Connection conn) {
        this.conn = conn;
        this.maxPipelined = conn.server().config().io().perConnection();
        this.negotiate = new NegotiateHandler();
        this.handlers = Map.ofEntries(
                Map.entry(Smb2Command.NEGOTIATE, negotiate),
                Map.entry(Smb2Command.SESSION_SETUP, new SessionSetupHandler()),
                Map.entry(Smb2Command.LOGOFF, new LogoffHandler()),
                Map.entry(Smb2Command.TREE_CONNECT, new TreeConnectHandler()),
                Map.entry(Smb2Command.TREE_DISCONNECT, new TreeDisconnectHandler()),
                Map.entry(Smb2Command.CREATE, new CreateHandler()),
                Map.entry(Smb2Command.CLOSE, new CloseHandler()),
                Map.entry(Smb2Command.FLUSH, new FlushHandler()),
                Map.entry(Smb2Command.READ, new ReadHandler()),
                Map.entry(Smb2Command.WRITE, new WriteHandler()),
                Map.entry(Smb2Command.LOCK, new LockHandler()),
                Map.entry(Smb2Command.IOCTL, new IoctlHandler()),
                Map.entry(Smb2Command.CANCEL, new CancelHandler()),
                Map.entry(Smb2Command.ECHO, new EchoHandler()),
                Map.entry(Smb2Command.QUERY_DIRECTORY, new QueryDirectoryHandler()),
                Map.entry(Smb2Command.CHANGE_NOTIFY, new ChangeNotifyHandler()),
                Map.entry(Smb2Command.QUERY_INFO, new QueryInfoHandler()),
                Map.entry(Smb2Command.SET_INFO, new SetInfoHandler()),
                Map.entry(Smb2Command.OPLOCK_BREAK, new OplockBreakHandler()));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || !mayStart(msg)) {
            if (held.size() >= MAX_HELD_REQUESTS) {
                conn.peerLog().log(LOG, Level.WARNING, () -> "closing the connection: more than " + MAX_HELD_REQUESTS
                        + " requests arrived while one waited for its file operation");
                ctx.close();
                return;
            }
            held.add(ReferenceCountUtil.retain(msg));
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, msg);
    }

    /**
     * Whether {@code msg} may be handled now: nothing of this connection is in the pool, or only lone READs and
     * WRITEs, fewer than {@code smbserver:io requests per connection}, and it is one too.
     */
    private boolean mayStart(Object msg) {
        return !waitingForIo && (pipelined == 0 || (pipelined < maxPipelined && pipelinable(msg)));
    }

    /**
     * A READ or WRITE that is not part of a compound: its response may overtake others ([MS-SMB2] 3.3.4.1: the
     * client matches responses by MessageId), and it touches no compound chain state after its dispatch.
     */
    private boolean pipelinable(Object msg) {
        return maxPipelined > 1 && msg instanceof Smb2Request req && req.decoderResult().isSuccess()
                && (req.command() == Smb2Command.READ || req.command() == Smb2Command.WRITE)
                && !req.header().isRelated() && req.lastInChain() && conn.compound().ended();
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Smb1NegotiateRequest smb1) {
            Object answer = negotiate.handleSmb1(smb1, conn, ctx);
            if (answer instanceof io.netty.buffer.ByteBuf) {
                ctx.writeAndFlush(answer).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(answer);
            }
        } else if (msg instanceof Smb2Request req) {
            RequestContext rc = new RequestContext(req, conn, ctx);
            boolean lone = pipelinable(req);
            Smb2Response resp = dispatch(rc, lone);
            if (resp != null || !rc.waits) {
                send(rc, resp);
            }
        }
    }

    private static void send(RequestContext rc, Smb2Response resp) {
        if (resp != null) {
            rc.ctx.write(resp);
        }
        if (rc.request.lastInChain()) {
            rc.ctx.flush();
        }
    }

    /** The response to send now, or null (none, or the request waits for its file operation). */
    private Smb2Response dispatch(RequestContext rc, boolean lone) {
        Smb2Request req = rc.request;
        boolean chainStart = conn.compound().begin(req.header().isRelated(), req.lastInChain());
        Reply reply;
        try {
            reply = process(rc);
        } catch (Smb2Exception | IOException | RuntimeException e) {
            reply = failed(rc, e);
        }
        if (reply != null && reply.later() != null) {
            // answered on this loop when the I/O pool is done; the request (a WRITE's data) stays retained. A lone
            // READ or WRITE lets the next ones of its kind start; anything else makes the connection's next
            // requests wait, so that chains, compound state and credits stay in order
            rc.waits = true;
            rc.pipelined = lone;
            if (lone) {
                pipelined++;
            } else {
                waitingForIo = true;
            }
            req.retain();
            if (waitingForIo || pipelined >= maxPipelined) {
                rc.ctx.channel().config().setAutoRead(false);
            }
            reply.later().whenComplete((r, failure) -> ioDone(rc, chainStart, r, failure));
            return null;
        }
        return finish(rc, chainStart, reply);
    }

    /** A request's file operation ended: answers it, then the requests that arrived meanwhile. */
    private void ioDone(RequestContext rc, boolean chainStart, Reply r, Throwable failure) {
        ChannelHandlerContext ctx = rc.ctx;
        try {
            assert ctx.executor().inEventLoop() : "an I/O completion ran off its connection's loop";
            if (failure == null && r != null && r.later() != null) {
                // the handler's next step runs on the I/O pool too (a CREATE: open, then truncate): wait again
                r.later().whenComplete((next, f) -> ioDone(rc, chainStart, next, f));
                return;
            }
            Reply reply = failure == null ? r : failed(rc, failure instanceof CompletionException ce
                    && ce.getCause() != null ? ce.getCause() : failure);
            send(rc, finish(rc, chainStart, reply));
            rc.request.release();
            if (rc.pipelined) {
                pipelined--;
            } else {
                waitingForIo = false;
            }
            while (!held.isEmpty() && mayStart(held.peek())) {
                Object m = held.poll();
                try {
                    handle(ctx, m);
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
            if (held.isEmpty() && !waitingForIo && pipelined < maxPipelined && ctx.channel().isActive()) {
                // reading resumes unless the peer leaves too many replies unread (ConnectionGuard)
                ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "internal error answering " + rc.request + " after its file operation", e);
            ctx.close();
        }
    }

    /** The failure of a request as its reply (an Smb2Exception's status, an I/O error's mapped one). */
    private Reply failed(RequestContext rc, Throwable t) {
        Smb2Request req = rc.request;
        if (t instanceof Smb2Exception e) {
            Reply reply = failure(rc, e.status(), e);
            return e.errorData().length > 0 ? new Reply(reply.status(), new Smb2ErrorResponse(e.errorData())) : reply;
        }
        if (t instanceof IOException e) {
            Smb2Exception se = Vfs.toSmb(e, req.toString());
            return failure(rc, se.status(), se);
        }
        LOG.log(Level.SEVERE, "internal error handling " + req + " from " + conn.channel().remoteAddress(), t);
        return failure(rc, NtStatus.INTERNAL_ERROR, t instanceof Exception e ? e : new RuntimeException(t));
    }

    private Smb2Response finish(RequestContext rc, boolean chainStart, Reply reply) {
        Smb2Request req = rc.request;
        if (reply == null) {
            rc.requestEnded();
            return null;
        }
        if (req.command() == Smb2Command.CREATE || (chainStart && req.header().isRelated())) {
            // A failed CREATE, or a chain that wrongly starts with a related request, fails the rest of the
            // related chain (3.3.5.2.7.2; as Samba and Windows, smb2.compound.related9).
            conn.compound().fail(reply.status());
        }
        if (reply.pending() != null) {
            long asyncId = reply.pending().asyncId();
            // outstanding on its open until the final response: its completion, cancel or the handle's close
            reply.pending().responder((status, body) -> {
                rc.requestEnded();
                rc.ctx.writeAndFlush(response(rc, new Reply(status, body), asyncId));
            });
            return response(rc, reply, asyncId);
        }
        rc.requestEnded();
        return response(rc, reply, 0);
    }

    private Reply process(RequestContext rc) throws Smb2Exception, IOException {
        Smb2Request req = rc.request;
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            throw cause instanceof Smb2Exception se ? se
                    : new Smb2Exception(req.failStatus(), "malformed " + req + ": " + cause, cause);
        }
        int cmd = req.command();
        if (req.header().isRelated() && conn.compound().status() != NtStatus.SUCCESS) {
            // 3.3.5.2.7.2: "the server SHOULD fail the current operation with the same error code returned by
            // the previous operation" (Samba and Windows do so after a failed CREATE or a bad chain start).
            throw new Smb2Exception(conn.compound().status(), "an earlier operation of the related chain failed with 0x"
                    + Integer.toHexString(conn.compound().status()));
        }
        if (!conn.negotiated() && cmd != Smb2Command.NEGOTIATE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, Smb2Command.name(cmd) + " before NEGOTIATE");
        }
        Smb2CommandHandler h = handlers.get(cmd);
        if (h == null) {
            throw new Smb2Exception(cmd > Smb2Command.OPLOCK_BREAK ? NtStatus.INVALID_PARAMETER : NtStatus.NOT_SUPPORTED,
                    "command " + Smb2Command.name(cmd) + " is not implemented");
        }
        if (cmd != Smb2Command.NEGOTIATE && cmd != Smb2Command.SESSION_SETUP && cmd != Smb2Command.CANCEL
                && !(cmd == Smb2Command.ECHO && req.sessionId() == 0)
                && !(cmd == Smb2Command.IOCTL && req.sessionId() == 0 && IoctlHandler.needsNoSession(req))) {
            rc.session = validSession(req);
            checkTransformSession(req);
            if (rc.session.encryptData() && !req.encrypted()) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "session 0x" + Long.toHexString(rc.session.id())
                        + " requires encryption; " + req + " arrived unencrypted");
            }
            if (cmd >= Smb2Command.TREE_DISCONNECT && cmd != Smb2Command.CANCEL && cmd != Smb2Command.ECHO) {
                rc.tree = rc.session.tree(req.treeId());
                if (rc.tree == null) {
                    throw new Smb2Exception(req.header().isRelated() ? NtStatus.INVALID_PARAMETER
                            : NtStatus.NETWORK_NAME_DELETED, "TreeId " + req.treeId()
                            + " is not connected in session 0x" + Long.toHexString(rc.session.id()));
                }
                if (rc.tree.encryptData() && !req.encrypted()) {
                    throw new Smb2Exception(NtStatus.ACCESS_DENIED, "share [" + rc.tree.share().name()
                            + "] requires encryption; " + req + " arrived unencrypted");
                }
            }
        }
        checkTransformSession(req);
        return h.handle(rc);
    }

    /**
     * [MS-SMB2] 3.3.5.2.1.1: a member of an encrypted frame that names another session than the TRANSFORM_HEADER
     * is refused; an unknown session was already answered USER_SESSION_DELETED by the lookup, as Samba does.
     */
    private static void checkTransformSession(Smb2Request req) throws Smb2Exception {
        if (req.encrypted() && req.sessionId() != req.transformSessionId()) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "SessionId 0x" + Long.toHexString(req.sessionId())
                    + " differs from the transform header's 0x" + Long.toHexString(req.transformSessionId()));
        }
    }

    private Session validSession(Smb2Request req) throws Smb2Exception {
        Session s = conn.session(req.sessionId());
        if (s == null || !s.valid()) {
            // A related request inherits its SessionId: an invalid one is a malformed chain (as in Samba).
            throw new Smb2Exception(req.header().isRelated() ? NtStatus.INVALID_PARAMETER : NtStatus.USER_SESSION_DELETED,
                    "SessionId 0x" + Long.toHexString(req.sessionId())
                    + (s == null ? " is unknown" : " has not completed authentication"));
        }
        return s;
    }

    private Reply failure(RequestContext rc, int status, Exception e) {
        Level level = status == NtStatus.OBJECT_NAME_NOT_FOUND || status == NtStatus.NO_MORE_FILES
                || status == NtStatus.END_OF_FILE ? Level.FINE : Level.INFO;
        // one line per refused request, rate-limited per connection: a peer's bad input never floods the log
        conn.peerLog().log(LOG, level, () -> rc.request + ": " + e.getMessage());
        if (rc.session == null && rc.request.sessionId() != 0) {
            rc.session = conn.session(rc.request.sessionId());
            if (rc.session == null && conn.client() != null && !rc.request.encrypted()) {
                // A session of this client not bound here: the error (USER_SESSION_DELETED) is signed with
                // Session.SigningKey, as Samba does; clients that require signing refuse it unsigned.
                rc.session = conn.client().session(rc.request.sessionId());
                rc.unboundSession = rc.session != null;
            }
            if (rc.session == null && rc.foreignSigner == null && !rc.request.encrypted()
                    && rc.request.command() == Smb2Command.SESSION_SETUP) {
                SessionGlobal g = conn.server().globalSession(rc.request.sessionId());
                rc.foreignSigner = g == null ? null : g.signer();
            }
        }
        return new Reply(status, new Smb2ErrorResponse());
    }

    /** Builds the response; runs again for the final response of an async request (the request is released then). */
    private Smb2Response response(RequestContext rc, Reply reply, long asyncId) {
        Smb2Request req = rc.request;
        ByteBuf body = rc.ctx.alloc().buffer();
        Smb2ResponseBody b = reply.body();
        b.encode(body);
        Session s = rc.session;
        long sessionId = s != null ? s.id() : req.sessionId();
        int treeId = rc.tree != null ? rc.tree.id() : req.treeId();
        Smb2Response resp = new Smb2Response(req, reply.status(), body, sessionId, treeId, asyncId);
        resp.related(req.header().isRelated());
        resp.onEncoded(rc.onEncoded);
        int cmd = req.command();
        boolean keysReady = s != null && s.signer() != null;
        boolean finalSetup = cmd == Smb2Command.SESSION_SETUP && reply.status() == NtStatus.SUCCESS;
        TreeConnect t = rc.tree;
        // 3.3.4.1.4: encrypt when the request was, or the session or tree requires it; the TREE_CONNECT
        // response that announces SHAREFLAG_ENCRYPT_DATA itself goes out like its request (clients refuse
        // an encrypted answer to an unencrypted TREE_CONNECT).
        boolean encrypt = keysReady && s.cipher() != null && cmd != Smb2Command.NEGOTIATE && !rc.unboundSession
                && (req.encrypted() || (cmd != Smb2Command.SESSION_SETUP
                        && (s.encryptData() || (t != null && t.encryptData() && cmd != Smb2Command.TREE_CONNECT))));
        Smb2TransformCipher frameCipher = req.encrypted() && !encrypt ? conn.cipher(req.transformSessionId()) : null;
        if (encrypt) {
            resp.encryptWith(s.cipher());
        } else if (frameCipher != null) {
            // 3.3.4.1.4: the answer to an encrypted request naming an unknown session (or one without keys)
            // goes out in the transform of the session its frame was encrypted for
            resp.encryptWith(frameCipher, req.transformSessionId());
        } else if (keysReady && cmd != Smb2Command.NEGOTIATE
                && (finalSetup || req.header().isSigned() || s.signingRequired())) {
            // Windows and Samba always sign the final SESSION_SETUP response when there is a session key.
            // 3.3.4.1.1: with the channel's key (Session.SigningKey while a bind is in progress); the final
            // SESSION_SETUP response of a bind is thus signed with the new channel key
            resp.signWith(rc.signerBeforeClose != null ? rc.signerBeforeClose : s.signer(conn));
        } else if (s == null && rc.foreignSigner != null) {
            resp.signWith(rc.foreignSigner);
        }
        return resp;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
        conn.closeAll();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // The transport failed (e.g. the client reset the connection): nothing about the protocol to report.
            LOG.info("connection from " + ctx.channel().remoteAddress() + " lost: " + cause);
        } else if (cause instanceof io.netty.handler.codec.DecoderException) {
            // The client sent bytes that cannot be answered (no SMB2 header, failed decryption): say what, no trace.
            conn.peerLog().log(LOG, Level.WARNING, () -> "closing the connection: "
                    + (cause.getCause() != null ? cause.getCause() : cause).getMessage());
        } else {
            // anything else escaping the pipeline is a bug of this server: with its trace
            LOG.log(Level.SEVERE, "closing connection from " + ctx.channel().remoteAddress() + ": " + cause, cause);
        }
        ctx.close();
    }
}
