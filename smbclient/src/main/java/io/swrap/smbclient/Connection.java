package io.swrap.smbclient;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * [MS-SMB2] 3.2.1.2 Per Transport Connection: one TCP connection (direct TCP, 2.1), what NEGOTIATE
 * settled, the sessions on it, the outstanding requests by MessageId and the credits the server granted
 * (3.2.4.1.5, 3.2.5.1.4). Requests may be sent from any thread; responses complete futures on the
 * connection's event loop. A multichannel session holds several of these, one per channel.
 */
final class Connection implements AutoCloseable {
    /** 2.1: "Stream Protocol Length (3 bytes)" after a zero byte: frames are below 16 MiB. */
    private static final int MAX_FRAME = 0xFFFFFF;
    /** Credits this client tries to keep on hand, enough for maxInFlight 1 MiB requests at the cap of 256. */
    private static final int CREDIT_TARGET = 512;

    final ClientConfig config;
    final InetSocketAddress server;
    private final EventLoopGroup group;
    private final Channel channel;
    /** Connection.OutstandingRequests, by MessageId. */
    private final Map<Long, CompletableFuture<Response>> outstanding = new ConcurrentHashMap<>();
    /** Connection.SessionTable: the sessions whose keys sign, verify, encrypt and decrypt here. */
    final Map<Long, Session> sessions = new ConcurrentHashMap<>();

    // Connection.SequenceWindow, as the next MessageId and the credits left; guarded by this.
    private long nextMessageId;
    private int credits = 1;
    private ConnectionLostException failure;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** What this client offered in NEGOTIATE; written once before any session exists. */
    Negotiate.Offer offer;
    /** What NEGOTIATE settled (3.2.5.2); written once before any session exists. */
    Negotiate.Result negotiated;
    /** Connection.PreauthIntegrityHashValue (3.1.1): NEGOTIATE request and response. */
    byte[] preauthHash;

    private Connection(ClientConfig config, InetSocketAddress server, EventLoopGroup group, Channel channel) {
        this.config = config;
        this.server = server;
        this.group = group;
        this.channel = channel;
    }

    /** Connects over TCP and runs NEGOTIATE (3.2.4.2.2). */
    static Connection open(InetSocketAddress server, ClientConfig config, byte[] clientGuid) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Connection[] self = new Connection[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // 2.1 direct TCP: a 4-byte big-endian length whose top byte is zero.
                        ch.pipeline().addLast("frame", new LengthFieldBasedFrameDecoder(MAX_FRAME + 4, 0, 4, 0, 4));
                        ch.pipeline().addLast("length", new LengthFieldPrepender(4));
                        ch.pipeline().addLast("responses", new ResponseHandler(() -> self[0]));
                    }
                });
        Channel ch;
        try {
            ch = b.connect(server).sync().channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + server);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("cannot connect to " + server + ": " + e, e);
        }
        Connection c = new Connection(config, server, group, ch);
        self[0] = c;
        try {
            Negotiate.run(c, clientGuid);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    int dialect() {
        return negotiated.dialect();
    }

    /**
     * Sends {@code req} once credits allow (3.2.4.1.5): CreditCharge covers its payload in 64 KiB units
     * (2.1 and later), CreditRequest asks to keep about {@value #CREDIT_TARGET} on hand. A dead connection
     * throws, and fails the returned future, with {@link ConnectionLostException}.
     */
    CompletableFuture<Response> send(Request req) throws IOException {
        boolean multiCredit = negotiated != null && negotiated.dialect() != Smb2Dialect.SMB2_02;
        int charge = multiCredit ? Math.max(1, (req.payloadSize - 1) / 65536 + 1) : 1;
        CompletableFuture<Response> future = new CompletableFuture<>();
        synchronized (this) {
            awaitCredits(charge);
            long messageId = nextMessageId;
            nextMessageId += charge;
            credits -= charge;
            int creditRequest = Math.min(0xFFFF, charge + Math.max(0, CREDIT_TARGET - credits));
            outstanding.put(messageId, future);
            // Encoding, signing and encryption run on this connection's event loop, so that the channels of a
            // session sign and encrypt in parallel while the caller only queues; queued under the lock, so that
            // requests leave in MessageId order.
            try {
                channel.eventLoop().execute(() -> encodeAndWrite(req, messageId, multiCredit ? charge : 0,
                        creditRequest));
            } catch (RejectedExecutionException e) {
                fail(new IOException("event loop of the connection to " + server + " has shut down", e));
            }
        }
        return future;
    }

    /**
     * 3.2.4.24 CANCEL of the request {@code target} while it waits (sync form: the MessageId of the request,
     * no credit charged, no response to the CANCEL itself); nothing is sent when it has completed already.
     * {@code cancel} is the CANCEL request, protected as the session protects its requests.
     */
    void cancel(CompletableFuture<Response> target, Request cancel) {
        for (Map.Entry<Long, CompletableFuture<Response>> e : outstanding.entrySet()) {
            if (e.getValue() == target) {
                long messageId = e.getKey();
                cancel.body.writeShortLE(4).writeShortLE(0); // StructureSize, Reserved
                try {
                    channel.eventLoop().execute(() -> encodeAndWrite(cancel, messageId, 0, 0));
                } catch (RejectedExecutionException ex) {
                    fail(new IOException("event loop of the connection to " + server + " has shut down", ex));
                }
                return;
            }
        }
    }

    private void encodeAndWrite(Request req, long messageId, int creditCharge, int creditRequest) {
        ByteBuf out;
        try {
            Session s = req.session;
            boolean sign = req.sign && !req.encrypt;
            int flags = req.flags | (sign ? Smb2Header.FLAGS_SIGNED : 0);
            // 2.2.1.2: in 3.x requests the Status field is ChannelSequence (2) and Reserved (2) (3.2.4.1).
            int channelSequence = s != null && Smb2Dialect.isSmb3(dialect()) ? s.channelSequence() & 0xFFFF : 0;
            ByteBuf header = Unpooled.buffer(Smb2Header.SIZE);
            // 2.2.1.1 CreditCharge: in 2.0.2 "the sender MUST set this to 0"; each request then costs one credit.
            new Smb2Header(creditCharge, channelSequence, req.command, creditRequest, flags, 0, messageId, 0,
                    req.treeId, s == null ? 0 : s.id()).encode(header);
            // The body is not copied (a WRITE's is 1 MiB) nor consumed: a retained duplicate keeps it whole, with
            // its reader index, for a replay after Netty released this message.
            ByteBuf msg = Unpooled.wrappedBuffer(header, req.body.retainedDuplicate());
            if (sign) {
                Smb2Signer signer = req.signer != null ? req.signer : s.signer(this);
                if (signer == null) {
                    throw new IllegalStateException("no signing key for session 0x" + Long.toHexString(s.id())
                            + " on the connection to " + server);
                }
                // 3.2.4.1.1: the signature over the whole message with the Signature field zero.
                msg.setBytes(Smb2Header.SIGNATURE_OFFSET, signer.sign(msg));
            }
            if (req.onEncoded != null) {
                req.onEncoded.accept(msg);
            }
            if (req.encrypt) {
                Smb2TransformCipher cipher = s.cipher();
                // One cipher, and one nonce counter, serves all channels of the session (3.2.4.1.8): its
                // counter is not thread-safe, and a nonce must never repeat under a key.
                synchronized (cipher) {
                    out = cipher.encrypt(channel.alloc(), msg, s.id());
                }
            } else {
                out = msg;
            }
        } catch (RuntimeException e) {
            fail(messageId, new IOException("client bug: encoding " + Smb2Command.name(req.command) + " for " + server
                    + " failed: " + e, e));
            return;
        }
        channel.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                fail(new IOException("sending " + Smb2Command.name(req.command) + " to " + server + " failed: "
                        + f.cause(), f.cause()));
            }
        });
    }

    /** Sends and waits for the final response (interim STATUS_PENDING ones are absorbed on the way). */
    Response call(Request req) throws IOException {
        return await(send(req), Smb2Command.name(req.command));
    }

    Response await(CompletableFuture<Response> f, String what) throws IOException {
        try {
            return f.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + what + " from " + server);
        } catch (TimeoutException e) {
            throw new IOException(what + ": no response from " + server + " within " + config.timeout(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectionLostException lost) {
                throw lost; // kept as such: a multichannel session replays the request on another channel
            }
            if (e.getCause() instanceof IOException io) {
                throw new IOException(what + ": " + io.getMessage(), io);
            }
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void awaitCredits(int charge) throws IOException {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        while (credits < charge && failure == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new IOException("no credits for a request of charge " + charge + " within " + config.timeout()
                        + " (have " + credits + "); the server at " + server + " stopped granting credits");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for credits from " + server);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** 3.2.5.1.4: every response, interim ones included, grants CreditResponse credits. */
    synchronized void granted(int n) {
        credits += n;
        if (n > 0) {
            notifyAll();
        }
    }

    /** An oplock break notification names no session (2.2.23.1): every session on this connection hears it. */
    void oplockBreak(OplockBreak b) {
        sessions.values().forEach(s -> s.oplockBreak(b));
    }

    void leaseBreak(LeaseBreak b) {
        sessions.values().forEach(s -> s.leaseBreak(b));
    }

    /** Hands a response to its request's future; interim responses only grant credits (3.2.5.1.5). */
    void complete(Response r) throws IOException {
        CompletableFuture<Response> f = outstanding.remove(r.header().messageId());
        if (f == null) {
            throw new IOException("response " + r + " from " + server + " matches no outstanding request");
        }
        f.complete(r);
    }

    /** Fails a single request, e.g. one whose response had a bad signature. */
    void fail(long messageId, IOException cause) {
        CompletableFuture<Response> f = outstanding.remove(messageId);
        if (f != null) {
            f.completeExceptionally(cause);
        }
    }

    /**
     * Fails every outstanding request and future credit wait with {@link ConnectionLostException}, and closes
     * the connection.
     */
    void fail(IOException cause) {
        ConnectionLostException lost;
        synchronized (this) {
            if (failure == null) {
                failure = cause instanceof ConnectionLostException l ? l : new ConnectionLostException(server, cause);
            }
            lost = failure;
            notifyAll();
        }
        for (Long id : List.copyOf(outstanding.keySet())) {
            fail(id, lost);
        }
        channel.close();
    }

    /** False once the connection failed or was closed. */
    synchronized boolean alive() {
        return failure == null;
    }

    /** Requests sent and not yet answered. */
    int outstandingCount() {
        return outstanding.size();
    }

    /** This end's address (under the agent: the fake NIC of SOCKET_WRAPPER_DEFAULT_IFACE). */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Closes the TCP connection at once, without LOGOFF or any SMB goodbye, as a failing network path would
     * end it for this client: every request in flight on it fails with {@link ConnectionLostException}.
     */
    void abort() {
        channel.close().syncUninterruptibly();
    }

    /** Idempotent: a lost channel is closed when it is found dead and again when its session closes. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        fail(new IOException("connection to " + server + " closed by the client"));
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
