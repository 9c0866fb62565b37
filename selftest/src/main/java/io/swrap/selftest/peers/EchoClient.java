package io.swrap.selftest.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A line echo client for the process tests: {@code EchoClient socket|nio|netty HOST:PORT}. Prints
 * {@code CONNECTED local=<a> remote=<b>} and {@code ECHO <line>}, or {@code FAILED <exception>}.
 */
public final class EchoClient {
    public static void main(String[] args) throws Exception {
        InetSocketAddress addr = Addr.parse(args[1]);
        String msg = "hello from " + ProcessHandle.current().pid();
        try {
            switch (args[0]) {
                case "socket" -> socket(addr, msg);
                case "nio" -> nio(addr, msg);
                case "netty" -> netty(addr, msg);
                default -> throw new IllegalArgumentException("api: " + args[0]);
            }
        } catch (Exception e) {
            System.out.println("FAILED " + e);
        }
    }

    private static void socket(InetSocketAddress addr, String msg) throws Exception {
        try (Socket s = new Socket(addr.getAddress(), addr.getPort());
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            System.out.println("CONNECTED local=" + s.getLocalSocketAddress() + " remote=" + s.getRemoteSocketAddress()
                    + " localaddr=" + s.getLocalAddress() + " localport=" + s.getLocalPort());
            out.println(msg);
            System.out.println("ECHO " + in.readLine());
        }
    }

    private static void nio(InetSocketAddress addr, String msg) throws Exception {
        try (SocketChannel ch = SocketChannel.open(addr)) {
            System.out.println("CONNECTED local=" + ch.getLocalAddress() + " remote=" + ch.getRemoteAddress());
            ch.write(ByteBuffer.wrap((msg + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            System.out.println("ECHO " + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim());
        }
    }

    private static void netty(InetSocketAddress addr, String msg) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CompletableFuture<String> reply = new CompletableFuture<>();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                        @Override
                        protected void initChannel(io.netty.channel.socket.SocketChannel c) {
                            c.pipeline().addLast(new LineBasedFrameDecoder(65536),
                                    new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                    new SimpleChannelInboundHandler<String>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, String m) {
                                            reply.complete(m);
                                        }
                                    });
                        }
                    }).connect(addr).sync().channel();
            System.out.println("CONNECTED local=" + ch.localAddress() + " remote=" + ch.remoteAddress());
            ch.writeAndFlush(msg + "\n");
            System.out.println("ECHO " + reply.get(20, TimeUnit.SECONDS));
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
