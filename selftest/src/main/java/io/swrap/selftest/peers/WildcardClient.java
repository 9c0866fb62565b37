package io.swrap.selftest.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Clients bound to the wildcard before connecting ({@code 0.0.0.0:0} or {@code [::]:0}): prints
 * the bound and the connected local address of a SocketChannel and a java.net.Socket, each after
 * one echoed line, so the server's view of the peer can be compared, then Netty's NIO channel's.
 */
public final class WildcardClient {
    public static void main(String[] args) throws Exception {
        InetSocketAddress server = Addr.parse(args[0]);
        InetSocketAddress wildcard = Addr.parse(args[1]);
        try (SocketChannel ch = SocketChannel.open()) {
            ch.bind(wildcard);
            String bound = String.valueOf(ch.getLocalAddress());
            ch.connect(server);
            echo(ch.socket());
            System.out.println("NIO bound=" + bound + " local=" + ch.getLocalAddress());
        }
        try (Socket s = new Socket()) {
            s.bind(wildcard);
            String bound = String.valueOf(s.getLocalSocketAddress());
            s.connect(server);
            echo(s);
            System.out.println("SOCKET bound=" + bound + " local=" + s.getLocalSocketAddress()
                    + " address=" + s.getLocalAddress());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).localAddress(wildcard).connect(server).sync().channel();
            System.out.println("NETTY local=" + ch.localAddress());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void echo(Socket s) throws Exception {
        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out.println("hello");
        if (!"hello".equals(in.readLine())) {
            throw new IllegalStateException("no echo from " + s.getRemoteSocketAddress());
        }
    }
}
