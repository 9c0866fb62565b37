package io.swrap.smb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.swrap.smb.config.InterfaceSpec;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.smb2.codec.Smb2CompoundDecoder;
import io.swrap.smb.smb2.codec.Smb2MessageEncoder;
import io.swrap.smb.smb2.crypto.Smb2TransformCodec;
import io.swrap.smb.smb2.handler.ClientAffinity;
import io.swrap.smb.smb2.handler.Smb2CreditHandler;
import io.swrap.smb.smb2.handler.Smb2Dispatcher;
import io.swrap.smb.smb2.handler.Smb2SignatureVerifier;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.transport.Admission;
import io.swrap.smb.transport.ConnectionGuard;
import io.swrap.smb.transport.FrameDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The SMB2/3 server: binds every configured interface address on every port with Netty's NIO
 * transport (NIO rather than epoll so that a -javaagent wrapping JDK sockets sees it) and builds each
 * connection's pipeline, in order:
 * <pre>
 * guard (timeouts, back-pressure) → frame (direct TCP, [MS-SMB2] 2.1, bounded)
 *   → transform (decrypt/encrypt) → compound (split) → encoder (out)
 *   → signature (verify) → credits → client (at NEGOTIATE: join the ClientGuid's event loop) → dispatch
 *   → one handler per command
 * </pre>
 */
public final class SmbServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SmbServer.class.getName());
    private final ServerState state;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<Channel> listeners = new ArrayList<>();
    private final io.swrap.smb.io.IoPool ioPool;

    private SmbServer(ServerState state, EventLoopGroup boss, EventLoopGroup workers, io.swrap.smb.io.IoPool ioPool) {
        this.state = state;
        this.boss = boss;
        this.workers = workers;
        this.ioPool = ioPool;
    }

    /** Starts listening; {@code state} carries the config. Port 0 in the config means "any free port". */
    public static SmbServer start(ServerState state) throws IOException, InterruptedException {
        SmbConfig cfg = state.config();
        SmbServer s = create(state);
        ServerBootstrap b = new ServerBootstrap()
                .group(s.boss, s.workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initChild(state, ch);
                    }
                });
        List<InetAddress> addrs = listenAddresses(cfg);
        try {
            for (InetAddress a : addrs) {
                for (int port : cfg.ports()) {
                    Channel ch = b.bind(new InetSocketAddress(a, port)).sync().channel();
                    s.listeners.add(ch);
                    LOG.info("listening on " + ch.localAddress());
                }
            }
        } catch (Exception e) {
            s.close();
            throw new IOException("cannot listen on " + addrs + " ports " + cfg.ports() + ": " + e, e);
        }
        return s;
    }

    /** The server's state (a prefork worker attaches its messaging to it). */
    public ServerState state() {
        return state;
    }

    /**
     * A server without listeners, for a worker of multi-process mode: its connections come from
     * {@link #adopt}.
     */
    public static SmbServer startWithoutListeners(ServerState state) throws IOException {
        return create(state);
    }

    private static SmbServer create(ServerState state) throws IOException {
        if (state.config().multiChannel()) {
            try {
                io.swrap.smb.transport.SendQueue.checkAvailable();
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return new SmbServer(state, new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()),
                new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory()), state.io());
    }

    /** The addresses of {@code interfaces} (127.0.0.1 when it is empty). */
    public static List<InetAddress> listenAddresses(SmbConfig cfg) throws IOException {
        List<InetAddress> addrs = new ArrayList<>();
        for (InterfaceSpec i : cfg.interfaces()) {
            addrs.add(i.address());
        }
        if (addrs.isEmpty()) {
            addrs.add(InetAddress.getByName("127.0.0.1"));
        }
        return addrs;
    }

    /**
     * The event loop of the connections of ClientGuid {@code guid} (hex), or null if it has none: a connection
     * of that client adopted there needs no move at NEGOTIATE.
     */
    public io.netty.channel.EventLoop loopOf(String guid) {
        io.swrap.smb.state.Client c = state.client(guid);
        return c == null ? null : c.loop();
    }

    /** The event loop for a connection of no known client. */
    public io.netty.channel.EventLoop nextLoop() {
        return workers.next();
    }

    /**
     * Serves a connection accepted by another process (multi-process mode) on {@code loop}: {@code replay}
     * holds the bytes that process read from it already, processed before anything read from the socket.
     * Returns the Netty channel (closed at once when the connection limit is reached).
     */
    public Channel adopt(java.nio.channels.SocketChannel accepted, byte[] replay, io.netty.channel.EventLoop loop) {
        NioSocketChannel ch = new NioSocketChannel(null, accepted);
        ch.config().setAutoRead(false); // until the replay (Replay) has gone through
        ch.pipeline().addLast(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                if (initChild(state, c)) {
                    c.pipeline().addFirst("replay", new Replay(replay));
                }
            }
        });
        loop.register(ch);
        return ch;
    }

    /** Fires the bytes another process read from the connection, right after the channel becomes active. */
    private static final class Replay extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final byte[] bytes;

        Replay(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            // in a task of its own, as a read from the socket would come, not inside the registration
            ctx.channel().eventLoop().execute(() -> {
                ctx.pipeline().remove(this);
                if (bytes.length > 0 && ctx.channel().isActive()) {
                    ctx.fireChannelRead(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
                    ctx.fireChannelReadComplete();
                }
                ctx.channel().config().setAutoRead(true);
            });
        }
    }

    private static void childOptions(SmbConfig cfg, io.netty.channel.ChannelConfig c) {
        // WRITE frames are up to 8 MiB: read in large steps instead of Netty's 64 KiB cap
        c.setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(512, 64 * 1024, 1 << 20));
        // replies a peer leaves unread above this stop its connection being read (ConnectionGuard)
        c.setWriteBufferWaterMark(new WriteBufferWaterMark(cfg.limits().maxUnsentBytes() / 2,
                cfg.limits().maxUnsentBytes()));
    }

    /** Admission and the pipeline of a new connection; false (and closed) when the connection limit is reached. */
    private static boolean initChild(ServerState state, SocketChannel ch) {
        Admission admission = state.admission();
        if (!admission.tryAddConnection(ch.remoteAddress())) {
            ch.close();
            return false;
        }
        ch.config().setTcpNoDelay(true);
        childOptions(state.config(), ch.config());
        ch.closeFuture().addListener(f -> admission.removeConnection());
        pipeline(ch.pipeline(), new Connection(state, ch));
        return true;
    }

    static void pipeline(ChannelPipeline p, Connection conn) {
        p.addLast("ack", conn.ack());
        p.addLast("guard", new ConnectionGuard(conn));
        p.addLast("frame", new FrameDecoder(conn));
        p.addLast("framePrepender", new LengthFieldPrepender(4));
        p.addLast("transform", new Smb2TransformCodec(conn::cipher));
        p.addLast("compound", new Smb2CompoundDecoder());
        p.addLast("encoder", new Smb2MessageEncoder());
        p.addLast("signature", new Smb2SignatureVerifier(conn));
        p.addLast("credits", new Smb2CreditHandler(conn));
        p.addLast("client", new ClientAffinity(conn));
        p.addLast("dispatch", new Smb2Dispatcher(conn));
    }

    /** The addresses actually bound (with the real port when the config said 0). */
    public List<InetSocketAddress> addresses() {
        return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        ioPool.close();
    }
}
