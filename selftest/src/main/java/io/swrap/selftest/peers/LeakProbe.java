package io.swrap.selftest.peers;

import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.Server;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code LeakProbe CASE}: one program of the leak matrix, each a client and a server of one socket
 * API in this JVM on fake addresses, printing {@code RESULT CASE <what happened>}. LeakIT runs it
 * under the agent in an empty network namespace and proves from the system calls that nothing
 * reached a real inet address; the outcome line tells whether the API itself still works.
 */
public final class LeakProbe {
    static final String SERVER = "127.0.0.11";
    /** TEST-NET-1: outside the fake network, and routed nowhere. */
    static final String OUTSIDE = "192.0.2.1";
    static final int TIMEOUT_SECONDS = 30;

    private LeakProbe() {
    }

    public static void main(String[] args) throws Exception {
        String c = args[0];
        String result;
        try {
            result = switch (c) {
                case "socket" -> socket(7001);
                case "nio" -> nio(7002);
                case "async" -> async(7003);
                case "http" -> http(7004);
                case "udp" -> udp(7005);
                case "netty-nio" -> netty(7006, "nio");
                case "netty-epoll" -> netty(7007, Epoll.isAvailable() ? "epoll" : "nio");
                case "netty-io_uring" -> netty(7009, IoUring.isAvailable() ? "io_uring" : "nio");
                case "epoll-insist" -> epollInsist();
                case "grpc" -> grpc(7008);
                case "jdbc" -> jdbc();
                case "reachable" -> reachable();
                case "http-proxy" -> httpProxy(7011);
                case "socks-proxy" -> socksProxy(7012);
                case "sctp" -> sctp(7013);
                case "jndi-dns" -> jndiDns();
                default -> throw new IllegalArgumentException("unknown case " + c);
            };
        } catch (Exception | LinkageError e) {
            result = "FAILED " + e;
        }
        System.out.println("RESULT " + c + " " + result);
        System.out.flush();
        System.exit(0);
    }

    /** java.net.Socket / ServerSocket. */
    static String socket(int port) throws Exception {
        try (ServerSocket ss = new ServerSocket(port, 1, InetAddress.getByName(SERVER));
             Socket client = new Socket(SERVER, port);
             Socket accepted = ss.accept()) {
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] got = accepted.getInputStream().readNBytes(4);
            return "ok " + new String(got, StandardCharsets.US_ASCII) + " peer=" + accepted.getRemoteSocketAddress();
        }
    }

    /** Non-blocking NIO channels with a selector. */
    static String nio(int port) throws Exception {
        try (Selector sel = Selector.open();
             ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(SERVER, port));
             SocketChannel client = SocketChannel.open()) {
            ss.configureBlocking(false).register(sel, SelectionKey.OP_ACCEPT);
            client.configureBlocking(false);
            boolean connected = client.connect(new InetSocketAddress(SERVER, port));
            if (!connected) {
                client.register(sel, SelectionKey.OP_CONNECT);
            }
            SocketChannel accepted = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while ((accepted == null || !connected) && System.nanoTime() < deadline) {
                sel.select(1000);
                for (SelectionKey k : sel.selectedKeys()) {
                    if (k.isAcceptable()) {
                        accepted = ss.accept();
                    } else if (k.isConnectable()) {
                        connected = client.finishConnect();
                        k.cancel();
                    }
                }
                sel.selectedKeys().clear();
            }
            if (accepted == null || !connected) {
                return "FAILED no connection within " + TIMEOUT_SECONDS + " s";
            }
            try (SocketChannel a = accepted) {
                return "ok peer=" + a.getRemoteAddress();
            }
        }
    }

    /** AsynchronousSocketChannel / AsynchronousServerSocketChannel. */
    static String async(int port) throws Exception {
        try (AsynchronousServerSocketChannel ss = AsynchronousServerSocketChannel.open()
                .bind(new InetSocketAddress(SERVER, port));
             AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
            var accept = ss.accept();
            client.connect(new InetSocketAddress(SERVER, port)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (AsynchronousSocketChannel a = accept.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                ByteBuffer b = ByteBuffer.allocate(4);
                a.read(b).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return "ok " + b.position() + " bytes peer=" + a.getRemoteAddress();
            }
        }
    }

    /** java.net.http.HttpClient against com.sun.net.httpserver.HttpServer. */
    static String http(int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(SERVER, port), 0);
        server.createContext("/", ex -> {
            byte[] body = ("client=" + ex.getRemoteAddress()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + SERVER + ":" + port + "/"))
                    .timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
            return "ok " + r.statusCode() + " " + r.body();
        } finally {
            server.stop(0);
        }
    }

    /** A DatagramSocket sending into the fake network and to an address outside it (TEST-NET-1). */
    static String udp(int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = "ping".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress(SERVER, port)));
            try {
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress(OUTSIDE, 9)));
                return "sent inside and outside";
            } catch (java.net.SocketException e) {
                return "sent inside, outside refused " + e.getMessage();
            }
        }
    }

    /** A Netty echo server and client on {@code transport} (nio, epoll, io_uring): what an app picking "the best" does. */
    static String netty(int port, String transport) throws Exception {
        IoHandlerFactory factory = switch (transport) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "io_uring" -> IoUringIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
        Class<? extends ServerChannel> serverType = switch (transport) {
            case "epoll" -> EpollServerSocketChannel.class;
            case "io_uring" -> IoUringServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
        Class<? extends Channel> clientType = switch (transport) {
            case "epoll" -> EpollSocketChannel.class;
            case "io_uring" -> IoUringSocketChannel.class;
            default -> NioSocketChannel.class;
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        try {
            new ServerBootstrap().group(group).channel(serverType).childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.writeAndFlush(msg);
                }
            }).bind(SERVER, port).sync();
            Channel client = new Bootstrap().group(group).channel(clientType).handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    echoed.complete(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                }
            }).connect(SERVER, port).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            return "ok transport=" + transport + " echo=" + echoed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    + " local=" + client.localAddress();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** An app that insists on epoll. */
    static String epollInsist() {
        try {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return "epoll event loop created";
        } catch (Throwable t) {
            return "refused " + t + (t.getCause() != null ? " cause: " + t.getCause().getMessage() : "");
        }
    }

    /** grpc-netty-shaded server and client (its relocated Netty picks epoll by itself when available). */
    static String grpc(int port) throws Exception {
        Server server = GrpcPeer.server(new InetSocketAddress(SERVER, port));
        try {
            return "ok " + GrpcPeer.call(new InetSocketAddress(SERVER, port), "leak");
        } finally {
            server.shutdownNow().awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** pgjdbc connecting to a fake address where nothing listens: a connect error inside the fake network. */
    static String jdbc() {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.50:5432/db?connectTimeout=" + TIMEOUT_SECONDS,
                "user", "secret")) {
            return "connected to " + c.getMetaData().getURL();
        } catch (java.sql.SQLException e) {
            Throwable cause = e.getCause();
            return "connect error " + e.getMessage() + (cause != null ? " cause: " + cause : "");
        }
    }

    /** HttpURLConnection through an HTTP proxy outside the fake network. */
    static String httpProxy(int port) throws Exception {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress(OUTSIDE, 3128));
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + SERVER + ":" + port + "/").toURL()
                .openConnection(proxy);
        c.setConnectTimeout(TIMEOUT_SECONDS * 1000);
        try {
            return "answered " + c.getResponseCode();
        } catch (java.io.IOException e) {
            return "refused " + e;
        } finally {
            c.disconnect();
        }
    }

    /** A java.net.Socket through a SOCKS proxy outside the fake network. */
    static String socksProxy(int port) {
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(OUTSIDE, 1080)))) {
            s.connect(new InetSocketAddress(SERVER, port), TIMEOUT_SECONDS * 1000);
            return "connected " + s;
        } catch (java.io.IOException e) {
            return "refused " + e;
        }
    }

    /** An SCTP channel (jdk.sctp; needs libsctp1): no socket_wrapper model, so it must be refused. */
    static String sctp(int port) {
        try (com.sun.nio.sctp.SctpChannel ch = com.sun.nio.sctp.SctpChannel.open()) {
            ch.connect(new InetSocketAddress(SERVER, port));
            return "connected " + ch;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return "refused " + e;
        }
    }

    /** InetAddress.isReachable inside and outside the fake network. */
    static String reachable() throws Exception {
        return "inside=" + InetAddress.getByName(SERVER).isReachable(2000)
                + " outside=" + InetAddress.getByName(OUTSIDE).isReachable(2000);
    }

    /**
     * JNDI's DNS provider (com.sun.jndi.dns) queries a DNS server itself over DatagramSocket and
     * Socket, bypassing the JDK resolver the agent replaces: a server outside the fake network is
     * refused by the socket layer before any system call.
     */
    static String jndiDns() {
        java.util.Hashtable<String, String> env = new java.util.Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", "dns://" + OUTSIDE);
        env.put("com.sun.jndi.dns.timeout.initial", "200");
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        try {
            javax.naming.directory.DirContext ctx = new javax.naming.directory.InitialDirContext(env);
            return "answered " + ctx.getAttributes("example.com", new String[] {"A"});
        } catch (javax.naming.NamingException e) {
            return "refused " + e.getRootCause();
        }
    }
}
