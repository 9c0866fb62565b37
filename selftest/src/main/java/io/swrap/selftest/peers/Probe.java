package io.swrap.selftest.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One-JVM checks for the process tests; each mode prints what it observed, one fact per line. */
public final class Probe {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "connect" -> connect(args[1]);
            case "bind" -> bind(args[1]);
            case "options" -> options();
            case "lifecycle" -> lifecycle(Path.of(System.getenv("SOCKET_WRAPPER_DIR")));
            case "max" -> max(Integer.parseInt(args[1]));
            case "real" -> real();
            default -> throw new IllegalArgumentException("mode: " + args[0]);
        }
    }

    private static void connect(String addr) {
        InetSocketAddress a = Addr.parse(addr);
        try (SocketChannel ch = SocketChannel.open(a)) {
            System.out.println("NIO CONNECTED " + ch.getRemoteAddress());
        } catch (IOException e) {
            System.out.println("NIO " + e.getClass().getName() + ": " + e.getMessage());
        }
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            System.out.println("SOCKET CONNECTED " + s.getRemoteSocketAddress());
        } catch (IOException e) {
            System.out.println("SOCKET " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static void bind(String addr) {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(Addr.parse(addr));
            System.out.println("BOUND " + ss.getLocalAddress());
        } catch (IOException e) {
            System.out.println("BIND " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static void options() throws IOException {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ss.bind(new InetSocketAddress("127.0.0.11", 7300));
            System.out.println("SERVER SO_REUSEPORT=" + ss.getOption(StandardSocketOptions.SO_REUSEPORT)
                    + " SO_REUSEADDR=" + ss.getOption(StandardSocketOptions.SO_REUSEADDR));
            try (SocketChannel c = SocketChannel.open()) {
                List<String> out = new ArrayList<>();
                set(c, StandardSocketOptions.TCP_NODELAY, true, out);
                set(c, StandardSocketOptions.SO_KEEPALIVE, true, out);
                set(c, StandardSocketOptions.SO_LINGER, 5, out);
                set(c, StandardSocketOptions.IP_TOS, 0x10, out);
                set(c, StandardSocketOptions.SO_SNDBUF, 262144, out);
                set(c, jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 60, out);
                c.connect(new InetSocketAddress("127.0.0.11", 7300));
                Socket s = c.socket();
                out.add("Socket.getTcpNoDelay=" + s.getTcpNoDelay());
                s.setTcpNoDelay(false);
                out.add("Socket.setTcpNoDelay(false)->" + s.getTcpNoDelay());
                s.setTrafficClass(0x08);
                out.add("Socket.getTrafficClass=" + s.getTrafficClass());
                System.out.println("CLIENT " + String.join(" ", out));
            }
        }
    }

    private static <T> void set(SocketChannel c, SocketOption<T> o, T v, List<String> out) throws IOException {
        c.setOption(o, v);
        out.add(o.name() + "=" + c.getOption(o));
    }

    private static void lifecycle(Path dir) throws Exception {
        ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.11", 7400));
        ServerSocket so = new ServerSocket(0);
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.11", 7400));
        SocketChannel a = ss.accept();
        System.out.println("OPEN " + files(dir) + " serversocket=" + so.getLocalSocketAddress());
        c.close();
        System.out.println("CLIENT-CLOSED " + files(dir));
        a.close();
        ss.close();
        so.close();
        System.out.println("ALL-CLOSED " + files(dir));
    }

    /** The socket files (C's %c%02X%04X names), not the agent's shared table beside them. */
    private static String files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return String.join(",", s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[TUXY][0-9A-F]{6}")).sorted().toList());
        }
    }

    private static void max(int n) {
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                open.add(SocketChannel.open());
                System.out.println("OPENED " + (i + 1));
            }
        } catch (IOException e) {
            System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage());
        } finally {
            for (SocketChannel c : open) {
                try {
                    c.close();
                } catch (IOException e) {
                    System.out.println("CLOSE-ERROR " + e);
                }
            }
        }
        try (SocketChannel again = SocketChannel.open()) {
            System.out.println("REOPENED " + again.isOpen());
        } catch (IOException e) {
            System.out.println("REOPEN-FAILED " + e);
        }
    }

    /** Without SOCKET_WRAPPER_DIR: a listener must be a real TCP socket in the kernel's table. */
    private static void real() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket a = ss.accept()) {
            String hexPort = String.format(":%04X ", ss.getLocalPort());
            boolean inTcpTable = Stream.of("/proc/net/tcp", "/proc/net/tcp6").map(Path::of).filter(Files::exists)
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).anyMatch(l -> l.contains(hexPort) && l.contains(" 0A "));
            System.out.println("REAL listener=" + ss.getLocalSocketAddress() + " kernel-tcp-listen=" + inTcpTable
                    + " peer=" + a.getRemoteSocketAddress() + " client=" + c.getLocalSocketAddress());
        }
    }
}
