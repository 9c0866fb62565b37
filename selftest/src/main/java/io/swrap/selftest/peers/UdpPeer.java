package io.swrap.selftest.peers;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * UDP peers for the process tests, over every JDK datagram API. Each prints what it saw:
 * <ul>
 * <li>{@code server socket|channel|selector HOST:PORT}: an echo server; {@code BOUND <local>},
 *     then {@code ECHOED <n> from <sender>} per datagram.</li>
 * <li>{@code client socket|multicastsocket|socketconnected|channel|connected|selector HOST:PORT}: one
 *     datagram and its echo;
 *     {@code SENT local=<a>}, {@code REPLY <text> from <b> local=<a>}, or {@code FAILED <exception>}.</li>
 * <li>{@code listen HOST:PORT}: {@code BOUND <local>}, then {@code GOT <text> from <sender>}.</li>
 * <li>{@code broadcast HOST:PORT}: sends to a broadcast address without and with SO_BROADCAST.</li>
 * <li>{@code unreachable HOST:PORT}, {@code refused HOST:PORT}, {@code join GROUP}: the failures.</li>
 * <li>{@code inherited HOST:PORT}: sends and receives on the datagram socket inherited as stdin.</li>
 * <li>{@code threads HOST:PORT}: a server and {@value #CLIENTS} clients on virtual threads in this
 *     JVM, then a receive blocked in one thread while another closes the socket.</li>
 * </ul>
 */
public final class UdpPeer {
    /** Bounds every wait of a client: a lost datagram fails the test instead of hanging it. */
    private static final int TIMEOUT_MS = 20_000;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        try {
            switch (mode) {
                case "server" -> server(args[1], Addr.parse(args[2]));
                case "client" -> client(args[1], Addr.parse(args[2]));
                case "listen" -> listen(Addr.parse(args[1]));
                case "broadcast" -> broadcast(Addr.parse(args[1]));
                case "unreachable" -> unreachable(Addr.parse(args[1]));
                case "refused" -> refused(Addr.parse(args[1]));
                case "join" -> join(InetAddress.getByName(args[1]));
                case "threads" -> threads(Addr.parse(args[1]));
                case "inherited" -> inherited(Addr.parse(args[1]));
                default -> throw new IllegalArgumentException("mode: " + mode);
            }
        } catch (Exception e) {
            System.out.println("FAILED " + e);
        }
    }

    private static void server(String api, InetSocketAddress addr) throws IOException {
        switch (api) {
            case "socket" -> {
                try (DatagramSocket s = new DatagramSocket(addr)) {
                    System.out.println("BOUND " + s.getLocalSocketAddress());
                    byte[] buf = new byte[65536];
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        s.receive(p);
                        s.send(p);
                        System.out.println("ECHOED " + p.getLength() + " from " + p.getSocketAddress());
                    }
                }
            }
            case "channel" -> {
                try (DatagramChannel ch = DatagramChannel.open(family(addr)).bind(addr)) {
                    System.out.println("BOUND " + ch.getLocalAddress());
                    ByteBuffer buf = ByteBuffer.allocate(65536);
                    while (true) {
                        buf.clear();
                        SocketAddress from = ch.receive(buf);
                        buf.flip();
                        int n = buf.remaining();
                        ch.send(buf, from);
                        System.out.println("ECHOED " + n + " from " + from);
                    }
                }
            }
            case "selector" -> {
                try (DatagramChannel ch = DatagramChannel.open(family(addr)).bind(addr);
                     Selector sel = Selector.open()) {
                    ch.configureBlocking(false);
                    ch.register(sel, SelectionKey.OP_READ);
                    System.out.println("BOUND " + ch.getLocalAddress());
                    ByteBuffer buf = ByteBuffer.allocateDirect(65536);
                    while (true) {
                        sel.select();
                        sel.selectedKeys().clear();
                        SocketAddress from;
                        while ((from = ch.receive(buf.clear())) != null) {
                            buf.flip();
                            int n = buf.remaining();
                            ch.send(buf, from);
                            System.out.println("ECHOED " + n + " from " + from);
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("api: " + api);
        }
    }

    private static void client(String api, InetSocketAddress addr) throws IOException {
        String msg = "hello from " + ProcessHandle.current().pid();
        byte[] out = msg.getBytes(StandardCharsets.UTF_8);
        switch (api) {
            case "socket", "multicastsocket" -> {
                // a MulticastSocket used for unicast, as many programs do, behaves as a DatagramSocket
                try (DatagramSocket s = api.equals("socket") ? new DatagramSocket() : new MulticastSocket()) {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.send(new DatagramPacket(out, out.length, addr));
                    System.out.println("SENT local=" + s.getLocalSocketAddress());
                    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                    s.receive(p);
                    System.out.println("REPLY " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)
                            + " from " + p.getSocketAddress() + " local=" + s.getLocalSocketAddress());
                }
            }
            case "socketconnected" -> {
                // the local address is concrete while connected and the wildcard again after, as on Linux
                try (DatagramSocket s = new DatagramSocket()) {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.connect(addr);
                    s.send(new DatagramPacket(out, out.length));
                    System.out.println("SENT local=" + s.getLocalSocketAddress() + " remote=" + s.getRemoteSocketAddress());
                    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                    s.receive(p);
                    System.out.println("REPLY " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)
                            + " from " + p.getSocketAddress() + " local=" + s.getLocalSocketAddress());
                    s.disconnect();
                    System.out.println("DISCONNECTED local=" + s.getLocalSocketAddress() + " connected=" + s.isConnected());
                }
            }
            case "channel" -> {
                try (DatagramChannel ch = DatagramChannel.open()) {
                    ch.send(ByteBuffer.wrap(out), addr);
                    System.out.println("SENT local=" + ch.getLocalAddress());
                    ByteBuffer buf = ByteBuffer.allocate(65536);
                    SocketAddress from = ch.receive(buf);
                    System.out.println("REPLY " + text(buf) + " from " + from + " local=" + ch.getLocalAddress());
                }
            }
            case "connected" -> {
                try (DatagramChannel ch = DatagramChannel.open().connect(addr)) {
                    ch.write(ByteBuffer.wrap(out));
                    System.out.println("SENT local=" + ch.getLocalAddress() + " remote=" + ch.getRemoteAddress());
                    ByteBuffer buf = ByteBuffer.allocate(65536);
                    ch.read(buf);
                    System.out.println("REPLY " + text(buf) + " from " + ch.getRemoteAddress() + " local="
                            + ch.getLocalAddress());
                }
            }
            case "selector" -> {
                try (DatagramChannel ch = DatagramChannel.open(family(addr)); Selector sel = Selector.open()) {
                    ch.configureBlocking(false);
                    ch.register(sel, SelectionKey.OP_READ);
                    ch.send(ByteBuffer.wrap(out), addr);
                    System.out.println("SENT local=" + ch.getLocalAddress());
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
                    ByteBuffer buf = ByteBuffer.allocate(65536);
                    SocketAddress from = null;
                    while (from == null && System.nanoTime() < deadline) {
                        sel.select(TIMEOUT_MS);
                        sel.selectedKeys().clear();
                        from = ch.receive(buf);
                    }
                    System.out.println(from == null ? "FAILED no reply within " + TIMEOUT_MS + " ms"
                            : "REPLY " + text(buf) + " from " + from + " local=" + ch.getLocalAddress());
                }
            }
            default -> throw new IllegalArgumentException("api: " + api);
        }
    }

    private static void listen(InetSocketAddress addr) throws IOException {
        try (DatagramSocket s = new DatagramSocket(addr)) {
            System.out.println("BOUND " + s.getLocalSocketAddress());
            while (true) {
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                s.receive(p);
                System.out.println("GOT " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)
                        + " from " + p.getSocketAddress());
            }
        }
    }

    private static void broadcast(InetSocketAddress addr) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            try {
                ch.send(ByteBuffer.wrap("without SO_BROADCAST".getBytes(StandardCharsets.UTF_8)), addr);
                System.out.println("NOBROADCAST sent");
            } catch (IOException e) {
                System.out.println("NOBROADCAST " + e);
            }
            ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            int n = ch.send(ByteBuffer.wrap(("broadcast to " + addr.getAddress().getHostAddress())
                    .getBytes(StandardCharsets.UTF_8)), addr);
            System.out.println("BROADCAST " + n + " local=" + ch.getLocalAddress());
        }
    }

    private static void unreachable(InetSocketAddress addr) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[1], 1, addr));
            System.out.println("SOCKET sent");
        } catch (IOException e) {
            System.out.println("SOCKET " + e);
        }
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(addr);
            System.out.println("CONNECT connected");
        } catch (IOException e) {
            System.out.println("CONNECT " + e);
        }
    }

    private static void refused(InetSocketAddress addr) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open().connect(addr)) {
            int n = ch.write(ByteBuffer.wrap(new byte[] {1}));
            System.out.println("WRITE " + n);
            try {
                ch.read(ByteBuffer.allocate(16));
                System.out.println("READ returned");
            } catch (IOException e) {
                System.out.println("READ " + e);
            }
        }
        try (DatagramChannel ch = DatagramChannel.open()) {
            int n = ch.send(ByteBuffer.wrap(new byte[] {1}), addr);
            System.out.println("UNCONNECTED SEND " + n);
        }
    }

    private static void join(InetAddress group) {
        try (MulticastSocket s = new MulticastSocket(0)) {
            s.joinGroup(new InetSocketAddress(group, 0), null);
            System.out.println("MULTICASTSOCKET joined");
        } catch (IOException e) {
            System.out.println("MULTICASTSOCKET " + e);
        }
        // the multicast options a unicast user of MulticastSocket sets work (remembered per socket)
        try (MulticastSocket s = new MulticastSocket(0)) {
            java.net.NetworkInterface ni = java.net.NetworkInterface.getNetworkInterfaces().nextElement();
            @SuppressWarnings("deprecation") // the getter programs written before Java 14 call
            boolean defaultLoopbackDisabled = s.getLoopbackMode();
            int defaultTtl = s.getTimeToLive();
            s.setTimeToLive(4);
            s.setNetworkInterface(ni);
            System.out.println("OPTIONS default ttl=" + defaultTtl + " loopbackDisabled=" + defaultLoopbackDisabled
                    + "; set ttl=" + s.getTimeToLive() + " sameInterface=" + ni.equals(s.getNetworkInterface()));
        } catch (IOException e) {
            System.out.println("OPTIONS " + e);
        }
        try (DatagramChannel ch = DatagramChannel.open(group.getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6)) {
            java.net.NetworkInterface ni = java.net.NetworkInterface.getByIndex(1);
            ch.join(group, ni != null ? ni : java.net.NetworkInterface.getNetworkInterfaces().nextElement());
            System.out.println("CHANNEL joined");
        } catch (IOException e) {
            System.out.println("CHANNEL " + e);
        }
    }

    private static void inherited(InetSocketAddress addr) throws IOException {
        if (!(System.inheritedChannel() instanceof DatagramChannel ch)) {
            System.out.println("FAILED stdin is not a datagram socket: " + System.inheritedChannel());
            return;
        }
        try {
            ch.send(ByteBuffer.wrap(new byte[] {1}), addr);
            System.out.println("SEND sent");
        } catch (IOException e) {
            System.out.println("SEND " + e);
        }
        try {
            ch.configureBlocking(false);
            ch.receive(ByteBuffer.allocate(16));
            System.out.println("RECEIVE returned");
        } catch (IOException e) {
            System.out.println("RECEIVE " + e);
        }
    }

    /** Virtual-thread clients of the {@code threads} mode. */
    public static final int CLIENTS = 20;

    private static void threads(InetSocketAddress addr) throws Exception {
        try (DatagramChannel server = DatagramChannel.open(family(addr)).bind(addr)) {
            Thread echo = Thread.ofVirtual().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(16);
                try {
                    for (int i = 0; i < CLIENTS; i++) {
                        SocketAddress from = server.receive(buf.clear());
                        server.send(buf.flip(), from);
                    }
                } catch (IOException e) {
                    System.out.println("FAILED server " + e);
                }
            });
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> clients = new java.util.ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                byte id = (byte) i;
                clients.add(Thread.ofVirtual().start(() -> {
                    try (DatagramSocket s = new DatagramSocket()) {
                        s.setSoTimeout(TIMEOUT_MS);
                        s.send(new DatagramPacket(new byte[] {id}, 1, addr));
                        DatagramPacket p = new DatagramPacket(new byte[16], 16);
                        s.receive(p);
                        if (p.getLength() == 1 && p.getData()[0] == id && p.getSocketAddress().equals(addr)) {
                            ok.incrementAndGet();
                        } else {
                            System.out.println("WRONG reply " + p.getLength() + " bytes from " + p.getSocketAddress());
                        }
                    } catch (IOException e) {
                        System.out.println("FAILED client " + e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(TIMEOUT_MS);
            }
            echo.join(TIMEOUT_MS);
            System.out.println("VTHREADS " + ok.get() + " of " + CLIENTS);
        }
        // close unlinks the name at once, not only at exit
        String name = String.format("U%02X%04X", addr.getAddress().getAddress()[3] & 0xff, addr.getPort());
        System.out.println("AFTER CLOSE " + name + " exists="
                + java.nio.file.Files.exists(java.nio.file.Path.of(System.getenv("SOCKET_WRAPPER_DIR"), name)));
        DatagramSocket blocked = new DatagramSocket();
        Thread reader = new Thread(() -> {
            try {
                blocked.receive(new DatagramPacket(new byte[16], 16));
                System.out.println("CLOSED receive returned");
            } catch (IOException e) {
                System.out.println("CLOSED " + e);
            }
        });
        reader.start();
        while (reader.getState() != Thread.State.RUNNABLE && reader.isAlive()) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        blocked.close();
        reader.join(TIMEOUT_MS);
    }

    private static StandardProtocolFamily family(InetSocketAddress addr) {
        return addr.getAddress().getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private static String text(ByteBuffer buf) {
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }
}
