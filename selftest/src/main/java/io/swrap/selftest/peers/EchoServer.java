package io.swrap.selftest.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A line echo server for the process tests: {@code EchoServer socket|nio|netty HOST:PORT...}.
 * Prints {@code LISTENING <addr>} per listener and {@code ACCEPTED local=<a> peer=<b>} per
 * connection, then echoes lines until the peer closes. Runs until killed.
 */
public final class EchoServer {
    public static void main(String[] args) throws Exception {
        String api = args[0];
        for (int i = 1; i < args.length; i++) {
            InetSocketAddress addr = Addr.parse(args[i]);
            switch (api) {
                case "socket" -> socket(addr);
                case "nio" -> nio(addr);
                case "netty" -> netty(addr);
                default -> throw new IllegalArgumentException("api: " + api + " (expected: socket, nio, netty)");
            }
        }
        Thread.currentThread().join();
    }

    static synchronized void println(String s) {
        System.out.println(s);
        System.out.flush();
    }

    private static void socket(InetSocketAddress addr) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(addr);
        println("LISTENING " + ss.getLocalSocketAddress());
        Thread.ofPlatform().start(() -> {
            while (true) {
                try {
                    Socket s = ss.accept();
                    println("ACCEPTED local=" + s.getLocalSocketAddress() + " peer=" + s.getRemoteSocketAddress()
                            + " inet=" + s.getInetAddress() + " port=" + s.getPort() + " localport=" + s.getLocalPort());
                    Thread.ofPlatform().start(() -> echo(s));
                } catch (IOException e) {
                    println("ERROR " + e);
                    return;
                }
            }
        });
    }

    private static void echo(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
            }
        } catch (IOException e) {
            println("ERROR " + e);
        }
    }

    private static void nio(InetSocketAddress addr) throws IOException {
        ServerSocketChannel ss = ServerSocketChannel.open();
        ss.bind(addr);
        println("LISTENING " + ss.getLocalAddress());
        Thread.ofPlatform().start(() -> {
            while (true) {
                try {
                    java.nio.channels.SocketChannel ch = ss.accept();
                    println("ACCEPTED local=" + ch.getLocalAddress() + " peer=" + ch.getRemoteAddress());
                    Thread.ofPlatform().start(() -> {
                        try (ch) {
                            ByteBuffer buf = ByteBuffer.allocate(65536);
                            while (ch.read(buf) >= 0) {
                                buf.flip();
                                while (buf.hasRemaining()) {
                                    ch.write(buf);
                                }
                                buf.clear();
                            }
                        } catch (IOException e) {
                            println("ERROR " + e);
                        }
                    });
                } catch (IOException e) {
                    println("ERROR " + e);
                    return;
                }
            }
        });
    }

    private static void netty(InetSocketAddress addr) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        println("ACCEPTED local=" + ch.localAddress() + " peer=" + ch.remoteAddress());
                        ch.pipeline().addLast(new LineBasedFrameDecoder(65536),
                                new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String msg) {
                                        ctx.writeAndFlush(msg + "\n");
                                    }
                                });
                    }
                }).bind(addr).sync().channel();
        println("LISTENING " + server.localAddress());
    }
}
