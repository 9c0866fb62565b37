package io.swrap.selftest.peers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.swrap.agent.api.WrappedSockets;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * fd-passing between JVMs under the agent, over a junixsocket control socket. Modes:
 * <ul>
 * <li>{@code send CTL ITEM...}: opens each item — {@code conn:HOST:PORT} (connects and does one
 *     echo round trip with "before"), {@code listen:HOST:PORT} (a listener), {@code file:PATH} —
 *     passes all in one message, closes its own copies, waits for the receiver's ack.</li>
 * <li>{@code acceptor HOST:PORT CTL}: accepts one connection, answers its first line itself
 *     ("A:" + line), then passes the connection to CTL and closes its copy.</li>
 * <li>{@code receive CTL} / {@code receive-netty CTL}: receives one message and serves each
 *     descriptor: a listener accepts one connection and echoes a line; a connection echoes
 *     "after" through the peer (or, with netty, is adopted by a Netty event loop answering
 *     "B:" + line until the peer closes); a file prints its first line.</li>
 * <li>{@code client HOST:PORT}: sends "one" and "two", printing both answers.</li>
 * </ul>
 */
public final class FdPassPeer {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "send" -> send(Path.of(args[1]), List.of(args).subList(2, args.length));
            case "acceptor" -> acceptor(Addr.parse(args[1]), Path.of(args[2]));
            case "receive" -> receive(Path.of(args[1]), false);
            case "receive-netty" -> receive(Path.of(args[1]), true);
            case "client" -> client(Addr.parse(args[1]));
            default -> throw new IllegalArgumentException("mode: " + args[0]);
        }
    }

    private static void send(Path ctl, List<String> items) throws Exception {
        List<Closeable> mine = new ArrayList<>();
        List<FileDescriptor> fds = new ArrayList<>();
        for (String item : items) {
            String kind = item.substring(0, item.indexOf(':'));
            String arg = item.substring(kind.length() + 1);
            switch (kind) {
                case "conn" -> {
                    SocketChannel ch = SocketChannel.open(Addr.parse(arg));
                    System.out.println("CONNECTED local=" + ch.getLocalAddress() + " remote=" + ch.getRemoteAddress());
                    System.out.println("ECHO " + echo(ch, "before"));
                    mine.add(ch);
                    fds.add(WrappedSockets.fileDescriptor(ch));
                }
                case "listen" -> {
                    ServerSocketChannel ss = ServerSocketChannel.open().bind(Addr.parse(arg));
                    System.out.println("LISTENING " + ss.getLocalAddress());
                    mine.add(ss);
                    fds.add(WrappedSockets.fileDescriptor(ss));
                }
                case "file" -> {
                    FileInputStream in = new FileInputStream(arg);
                    mine.add(in);
                    fds.add(in.getFD());
                }
                default -> throw new IllegalArgumentException("item: " + item);
            }
        }
        pass(ctl, fds.toArray(FileDescriptor[]::new), mine);
    }

    /** Sends the descriptors, closes this process's copies at once, then waits for the ack. */
    static void pass(Path ctl, FileDescriptor[] fds, List<Closeable> copies) throws IOException {
        try (AFUNIXSocket s = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(ctl))) {
            s.setOutboundFileDescriptors(fds);
            s.getOutputStream().write('P');
            for (Closeable c : copies) {
                c.close();
            }
            System.out.println("SENT " + fds.length + " CLOSED");
            int ack = s.getInputStream().read();
            System.out.println(ack == 'A' ? "ACKED" : "NO-ACK " + ack);
        }
    }

    private static void acceptor(InetSocketAddress addr, Path ctl) throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open().bind(addr)) {
            System.out.println("LISTENING " + ss.getLocalAddress());
            SocketChannel ch = ss.accept();
            System.out.println("ACCEPTED local=" + ch.getLocalAddress() + " peer=" + ch.getRemoteAddress());
            String first = readLine(ch);
            ch.write(ByteBuffer.wrap(("A:" + first + "\n").getBytes(StandardCharsets.UTF_8)));
            pass(ctl, new FileDescriptor[] {WrappedSockets.fileDescriptor(ch)}, List.of(ch));
        }
    }

    private static void receive(Path ctl, boolean netty) throws Exception {
        try (AFUNIXServerSocket server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(ctl))) {
            System.out.println("READY");
            try (AFUNIXSocket s = server.accept()) {
                s.setAncillaryReceiveBufferSize(1024);
                int b = s.getInputStream().read();
                FileDescriptor[] fds = s.getReceivedFileDescriptors();
                System.out.println("RECEIVED " + fds.length + " byte=" + (char) b);
                CountDownLatch nettyDone = new CountDownLatch(0);
                for (FileDescriptor fd : fds) {
                    if (WrappedSockets.isListener(fd)) {
                        serveListener(WrappedSockets.adoptServer(fd));
                    } else if (WrappedSockets.isWrapped(fd)) {
                        SocketChannel ch = WrappedSockets.adopt(fd);
                        System.out.println("CONN local=" + ch.getLocalAddress() + " remote=" + ch.getRemoteAddress());
                        if (netty) {
                            nettyDone = serveWithNetty(ch);
                        } else {
                            System.out.println("ECHO " + echo(ch, "after"));
                            ch.close();
                        }
                    } else {
                        try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(fd),
                                StandardCharsets.UTF_8))) {
                            System.out.println("FILE " + r.readLine());
                        }
                    }
                }
                OutputStream out = s.getOutputStream();
                out.write('A');
                out.flush();
                if (!nettyDone.await(30, TimeUnit.SECONDS)) {
                    System.out.println("NETTY-TIMEOUT");
                }
                System.out.println("DONE");
            }
        }
    }

    private static void serveListener(ServerSocketChannel ss) throws IOException {
        System.out.println("LISTENER " + ss.getLocalAddress());
        try (ss; SocketChannel c = ss.accept()) {
            System.out.println("ACCEPTED local=" + c.getLocalAddress() + " peer=" + c.getRemoteAddress());
            String line = readLine(c);
            c.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Netty adopts the channel as a server-side child and answers "B:" + line until the peer closes. */
    private static CountDownLatch serveWithNetty(SocketChannel ch) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch done = new CountDownLatch(1);
        NioSocketChannel child = new NioSocketChannel(null, ch);
        child.pipeline().addLast(new LineBasedFrameDecoder(1024), new StringDecoder(StandardCharsets.UTF_8),
                new StringEncoder(StandardCharsets.UTF_8), new SimpleChannelInboundHandler<String>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, String msg) {
                        ctx.writeAndFlush("B:" + msg + "\n");
                    }
                });
        child.closeFuture().addListener(f -> {
            System.out.println("NETTY-CLOSED");
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            done.countDown();
        });
        group.register(child).sync();
        System.out.println("NETTY local=" + child.localAddress() + " remote=" + child.remoteAddress()
                + " registered=" + child.isRegistered());
        return done;
    }

    private static void client(InetSocketAddress addr) throws Exception {
        try (SocketChannel ch = SocketChannel.open(addr)) {
            System.out.println("CONNECTED local=" + ch.getLocalAddress() + " remote=" + ch.getRemoteAddress());
            System.out.println("REPLY " + echo(ch, "one"));
            System.out.println("REPLY " + echo(ch, "two"));
        }
    }

    static String echo(SocketChannel ch, String line) throws IOException {
        ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return readLine(ch);
    }

    static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
            if (ch.read(buf) < 0) {
                throw new IOException("peer closed after " + buf.position() + " bytes");
            }
        }
        return new String(buf.array(), 0, buf.position() - 1, StandardCharsets.UTF_8);
    }
}
