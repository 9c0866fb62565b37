package io.swrap.agent.hooks;

import io.swrap.agent.net.EmulatedOptions;
import io.swrap.agent.net.FakeNetwork;
import io.swrap.agent.net.UnixSockets;
import io.swrap.agent.faults.Faults;
import io.swrap.agent.net.SocketName;
import io.swrap.agent.pcap.Capture;
import io.swrap.agent.shaping.LinkShaper;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;

/**
 * The entry points that advice inlined into java.base calls. Each is a thin step to
 * {@link FakeNetwork}; "not wrapped" answers (null, false, 0) let the original JDK code run.
 */
public final class SocketHooks {
    private static volatile FakeNetwork network;
    /** The network's table, read on every read and write. */
    private static volatile SocketTable table;

    /** sun.nio.ch.IOStatus.EOF: what SocketDispatcher.read returns at end of stream. */
    private static final long END_OF_STREAM = -1;

    private static final VarHandle SOCKET_IMPL_FD;
    private static final VarHandle SOCKET_IMPL_ADDRESS;
    private static final VarHandle SOCKET_IMPL_PORT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(SocketImpl.class, MethodHandles.lookup());
            SOCKET_IMPL_FD = l.findVarHandle(SocketImpl.class, "fd", FileDescriptor.class);
            SOCKET_IMPL_ADDRESS = l.findVarHandle(SocketImpl.class, "address", InetAddress.class);
            SOCKET_IMPL_PORT = l.findVarHandle(SocketImpl.class, "port", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("swrap-agent cannot reach java.net.SocketImpl's fields on Java "
                    + Runtime.version() + ": " + e);
        }
    }

    private SocketHooks() {
    }

    static void install(FakeNetwork net) {
        network = net;
        table = net.table();
    }

    public static FakeNetwork network() {
        return network;
    }

    /**
     * Net.socket / Net.serverSocket: an AF_UNIX fd instead of an inet one, stream or datagram. Never
     * null: every inet socket the JDK creates is wrapped or refused.
     */
    public static FileDescriptor socket(boolean stream, boolean server, ProtocolFamily family) throws IOException {
        boolean ipv6 = family == StandardProtocolFamily.INET6;
        return stream ? network.socket(server, ipv6) : network.datagrams().socket(ipv6);
    }

    public static boolean bind(FileDescriptor fd, InetAddress address, int port) throws IOException {
        return network.bind(fd, address, port);
    }

    public static int connect(FileDescriptor fd, InetAddress address, int port) throws IOException {
        Handle h = network.handle(fd);
        if (h != null && !table.datagram(h)) {
            // faults: a connect from or to an interface that is down
            SocketName bound = table.boundName(h);
            Faults.checkConnect(network.addressMap().dir(), table, bound != null ? bound.iface() : network.addressMap().defaultIface(),
                    network.addressMap().ifaceOf(address), address.getHostAddress() + ":" + port);
        }
        Capture capture = Capture.current(); // pcap
        if (capture == null) {
            return network.connect(fd, address, port);
        }
        int n;
        try {
            n = network.connect(fd, address, port);
        } catch (ConnectException e) {
            if (h != null && !table.datagram(h)) {
                capture.refused(h, address, port);
            }
            throw e;
        }
        if (h != null && !table.datagram(h)) {
            capture.connected(h, address, port);
        }
        return n;
    }

    public static InetSocketAddress localAddress(FileDescriptor fd) throws IOException {
        return network.localAddress(fd);
    }

    public static InetSocketAddress remoteAddress(FileDescriptor fd) throws IOException {
        return network.remoteAddress(fd);
    }

    /** Net.setSocketOption: true when the option was emulated. */
    public static boolean setOption(FileDescriptor fd, SocketOption<?> name, Object value) {
        if (!EmulatedOptions.emulated(name)) {
            return false;
        }
        Handle h = network.handle(fd);
        if (h == null) {
            return false;
        }
        EmulatedOptions.set(h, name, value);
        return true;
    }

    /** Net.getSocketOption: the emulated value, or null to ask the kernel. */
    public static Object getOption(FileDescriptor fd, SocketOption<?> name) {
        if (!EmulatedOptions.emulated(name)) {
            return null;
        }
        Handle h = network.handle(fd);
        return h == null ? null : EmulatedOptions.get(h, name);
    }

    /** finishAccept of the channel listeners: the fake peer address replaces the garbage one. */
    public static SocketAddress acceptedPeer(FileDescriptor listener, FileDescriptor newfd, SocketAddress reported)
            throws IOException {
        Handle h = network.adoptAccepted(UnixSockets.fdVal(newfd), UnixSockets.fdVal(listener));
        return h == null ? reported : network.table().peerAddress(h);
    }

    /** NioSocketImpl.accept (java.net.ServerSocket): fixes the accepted socket's peer fields. */
    public static void acceptedSocketImpl(SocketImpl si) throws IOException {
        FileDescriptor fd = (FileDescriptor) SOCKET_IMPL_FD.getVolatile(si);
        if (fd == null) {
            return;
        }
        Handle h = network.handleOrAdopt(UnixSockets.fdVal(fd));
        InetSocketAddress peer = h == null ? null : network.table().peerAddress(h);
        if (peer != null) {
            SOCKET_IMPL_ADDRESS.setVolatile(si, peer.getAddress());
            SOCKET_IMPL_PORT.setVolatile(si, peer.getPort());
        }
    }

    /**
     * SocketDispatcher.read/readv, before the system call: one load of the socket's fault flags
     * (faults); true when a non-blocking read must report no data.
     */
    public static boolean beforeRead(FileDescriptor fd) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        Handle h = table.get(fdv);
        if (h == null) {
            return false;
        }
        int faults = table.faults(h);
        return faults != 0 && Faults.stall(fdv, table, h, faults);
    }

    /** SocketDispatcher.read/readv: counts the bytes read from a wrapped socket (no lock). */
    public static void read(FileDescriptor fd, long n) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        if (n <= 0) {
            Handle h = table.get(fdv);
            if (h != null && (table.faults(h) & Faults.RESET) != 0) {
                // faults: the watcher's shutdown woke this read; the connection was reset
                throw Faults.reset();
            }
            Capture capture = n == END_OF_STREAM ? Capture.current() : null; // pcap
            if (h != null && capture != null) {
                capture.endOfStream(h);
            }
        }
        table.countRead(fdv, n);
    }

    /**
     * SocketDispatcher.write/writev, before the system call: honours the socket's faults and link
     * emulation (true: a non-blocking write writes nothing), then captures what is about to be sent, so the peer
     * cannot answer it before it is in the file (pcap; one volatile read when off). {@code address}
     * is the buffer, or {@code len} iovecs when {@code vector}.
     */
    public static boolean writing(FileDescriptor fd, long address, int len, boolean vector) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        Handle h = table.get(fdv);
        if (h == null) {
            return false;
        }
        int faults = table.faults(h); // faults: one load
        if (faults != 0 && Faults.stall(fdv, table, h, faults)) {
            return true;
        }
        LinkShaper shaper = LinkShaper.current(); // link emulation: one volatile read when off
        if (shaper != null && shaper.beforeWrite(fdv, table, h)) {
            return true; // a non-blocking write reports nothing written while its link is busy
        }
        Capture capture = Capture.current();
        if (capture != null) {
            capture.sending(h, address, len, vector);
        }
        return false;
    }

    /** SocketDispatcher.write/writev: counts the bytes written to a wrapped socket (no lock), charges its links. */
    public static void written(FileDescriptor fd, long n) {
        int fdv = UnixSockets.fdVal(fd);
        table.countWrite(fdv, n);
        LinkShaper shaper = LinkShaper.current(); // link emulation
        if (shaper != null && n > 0) {
            Handle h = table.get(fdv);
            if (h != null) {
                shaper.wrote(table, h, n);
            }
        }
    }

    /** shutdownOutput, before the system call: the FIN the peer will read (pcap). */
    public static void shutdownOutput(FileDescriptor fd) {
        Capture capture = Capture.current();
        if (capture != null && fd != null) {
            Handle h = network.handle(fd);
            if (h != null && !table.datagram(h)) {
                capture.finishing(h);
            }
        }
    }

    /** UnixDispatcher.implPreClose: the peer sees the end of stream from here on (pcap: the FIN). */
    public static void beforePreClose(FileDescriptor fd) {
        Capture capture = Capture.current();
        if (capture != null) {
            Handle h = network.handle(fd);
            if (h != null && !table.datagram(h)) {
                capture.closing(h);
            }
        }
    }

    /** UnixDispatcher.close: runs before close(2), so a reused fd number never meets a stale entry. */
    public static void beforeClose(FileDescriptor fd) {
        Capture capture = Capture.current(); // pcap
        if (capture != null) {
            Handle h = network.handle(fd);
            if (h != null && !table.datagram(h)) {
                capture.closing(h);
            }
        }
        network.close(fd);
    }
}
