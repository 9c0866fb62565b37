package io.swrap.agent.net;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.pcap.Capture;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The semantics of wrapped datagram (UDP) sockets, as C socket_wrapper has them: the socket is an
 * AF_UNIX SOCK_DGRAM socket bound to {@code U<ii><port>} ({@code Y} for IPv6); a send goes to the
 * destination's file; a receive reports the sender's file name as its fake address; an unnamed
 * socket is autobound at its first send; a broadcast goes to every {@code U<ii><port>} of that port.
 *
 * <p>Unlike C, a connect is never made on the unix socket: the peer is recorded, sends go to its
 * file by name (so a restarted peer is reached again), and a receive drops datagrams from anyone
 * else — what a connected kernel UDP socket does. The data path refuses a datagram channel whose
 * descriptor is not wrapped (fail closed); the other methods leave such a descriptor to the JDK.
 */
public final class Datagrams {
    /** Datagrams from strangers a connected socket drops per call before it lets the JDK poll again. */
    static final int MAX_DROPPED_PER_CALL = 64;

    private final FakeNetwork network;
    private final AddressMap map;
    private final SocketTable table;
    private final byte[] dirPrefix;
    /** Set while DatagramChannelImpl binds a socket it is about to use unbound (bindInternal(null)). */
    private final ThreadLocal<Boolean> implicitBind = new ThreadLocal<>();
    /** The fake sender of this thread's last receive, read back by the channel right after it. */
    private final ThreadLocal<Sender> lastSender = new ThreadLocal<>();

    private record Sender(int fd, SocketName name, InetSocketAddress address) {
    }

    Datagrams(FakeNetwork network, AddressMap map, SocketTable table) {
        this.network = network;
        this.map = map;
        this.table = table;
        this.dirPrefix = map.dirPrefix();
    }

    /**
     * A connected socket's peer, resolved once at connect for every send and receive after it,
     * and the wildcard address the socket was bound to before (null if it was a concrete one).
     */
    private record Peer(InetSocketAddress address, SocketName name, byte[] path, InetSocketAddress wildcard) {
    }

    private static Peer peer(Handle h) {
        return (Peer) h.datagramPeer();
    }

    /** Net.socket(family, false): an AF_UNIX datagram fd instead of an inet one. */
    public FileDescriptor socket(boolean ipv6) throws IOException {
        FileDescriptor fd = UnixDatagrams.socket();
        int fdv = UnixSockets.fdVal(fd);
        Handle h;
        try {
            h = table.createDatagram(fdv, ipv6);
        } catch (IOException | RuntimeException e) {
            try {
                UnixSockets.close(fdv);
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_socket", "fd=" + fdv + " " + h + " datagram");
        }
        return fd;
    }

    /** DatagramChannelImpl.bindInternal: whether the bind now running is the channel's implicit one. */
    public void implicitBind(boolean implicit) {
        if (implicit) {
            implicitBind.set(Boolean.TRUE);
        } else {
            implicitBind.remove();
        }
    }

    boolean implicitBind() {
        return implicitBind.get() != null;
    }

    /** Net.connect of a datagram socket: records the peer (C defers the real connect, we never make it). */
    int connect(FileDescriptor fd, Handle h, InetAddress address, int port) throws IOException {
        SocketName dest = map.remote(address, port, false);
        if (!table.named(h)) {
            network.autobind(fd, h, dest.ipv6(), false);
        }
        h.takePortUnreachable();
        InetSocketAddress peer = map.inetAddress(dest);
        // as Linux: a socket bound to the wildcard reports its concrete address while connected
        InetSocketAddress local = table.localAddress(h);
        Peer previous = peer(h);
        InetSocketAddress wildcard = previous != null ? previous.wildcard
                : local != null && local.getAddress().isAnyLocalAddress() ? local : null;
        if (wildcard != null) {
            SocketName name = table.boundName(h);
            table.bound(h, name, map.inetAddress(name), false);
        }
        h.datagramPeer(new Peer(peer, dest, map.pathBytes(dest), wildcard));
        table.connected(h, peer);
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            SwrapLog.debug("swrap_connect", "fd=" + UnixSockets.fdVal(fd) + " " + table.localAddress(h) + " -> "
                    + peer + " (udp)");
        }
        return 1;
    }

    /** DatagramChannelImpl.disconnect: the socket takes datagrams from anyone again. */
    public void disconnected(FileDescriptor fd) {
        Handle h = table.get(UnixSockets.fdVal(fd));
        if (h != null) {
            Peer peer = peer(h);
            if (peer != null && peer.wildcard != null) {
                table.bound(h, table.boundName(h), peer.wildcard, false);
            }
            h.datagramPeer(null);
            table.disconnected(h);
            h.takePortUnreachable();
        }
    }

    /** The channel's local address: the autobound one once a send has named the socket. */
    public SocketAddress localAddress(FileDescriptor fd, SocketAddress reported) {
        Handle h = table.get(UnixSockets.fdVal(fd));
        InetSocketAddress local = h == null ? null : table.localAddress(h);
        return local != null ? local : reported;
    }

    /**
     * Multicast: there is none in the fake network, and a real join would reach the host's network.
     * A null {@code fd} is a MulticastSocket's join, refused before it reaches a descriptor.
     */
    public void refuseJoin(FileDescriptor fd, InetAddress group) throws SocketException {
        if (fd != null && table.get(UnixSockets.fdVal(fd)) == null) {
            return;
        }
        SwrapLog.error("swrap_setsockopt", "refusing to join multicast group " + group.getHostAddress());
        throw new SocketException("swrap-agent: cannot join multicast group " + group.getHostAddress()
                + ": the socket_wrapper network in " + map.dir() + " has no multicast, and a real join would"
                + " reach the host's network; use unicast or broadcast to " + map.hostAddress(false, 255)
                .getHostAddress());
    }

    /**
     * DatagramChannelImpl.receiveIntoNativeBuffer: receives into {@code rem} bytes at position
     * {@code pos} of direct buffer {@code bb}; the JDK's status, or null if not wrapped.
     */
    public Integer receive(FileDescriptor fd, ByteBuffer bb, int rem, int pos) throws IOException {
        Handle h = wrapped(fd, "receive");
        long base = MemorySegment.ofBuffer(bb).address() - bb.position();
        long n = receive(fd, h, base + pos, rem, false);
        if (n > 0) {
            bb.position(pos + (int) n);
        }
        return (int) n;
    }

    /** DatagramChannelImpl.sourceSocketAddress: the fake sender of the datagram just received. */
    public InetSocketAddress sender(FileDescriptor fd) {
        Sender s = lastSender.get();
        return s != null && s.fd == UnixSockets.fdVal(fd) ? s.address : null;
    }

    /** DatagramDispatcher.read/readv (a connected channel's read): null if not wrapped. */
    public Long read(FileDescriptor fd, long address, int len, boolean vector) throws IOException {
        return receive(fd, wrapped(fd, "read"), address, len, vector);
    }

    /**
     * The record of a datagram channel's descriptor. Every datagram socket made under the agent
     * has one; one without is a real inet socket the JVM got from elsewhere
     * ({@code System.inheritedChannel()}), and is refused rather than used.
     */
    private Handle wrapped(FileDescriptor fd, String op) throws SocketException {
        int fdv = UnixSockets.fdVal(fd);
        Handle h = table.get(fdv);
        if (h == null) {
            SwrapLog.error("swrap_sendmsg", "fd=" + fdv + ": refusing " + op + " on a datagram socket not made under the agent");
            throw new SocketException("swrap-agent: refusing to " + op + " on datagram socket fd " + fdv
                    + ": it was not created under the agent (an inherited socket?), so it is a real inet socket"
                    + " that would reach the host's network");
        }
        return h;
    }

    private long receive(FileDescriptor fd, Handle h, long address, int len, boolean vector) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        Peer peer = peer(h);
        if (peer != null && h.takePortUnreachable()) {
            throw portUnreachable(peer.address);
        }
        if (!table.named(h)) {
            // C autobinds before a receive too: a socket nobody can address would wait forever
            network.autobind(fd, h, table.ipv6(h), false);
        }
        for (int dropped = 0; dropped < MAX_DROPPED_PER_CALL; dropped++) {
            long n = vector ? UnixDatagrams.receiveVector(fdv, address, len) : UnixDatagrams.receive(fdv, address, len);
            if (n == UnixDatagrams.UNAVAILABLE || n == UnixDatagrams.INTERRUPTED) {
                return n;
            }
            if (n < 0) {
                int errno = UnixDatagrams.errnoOf(n);
                if (peer != null && (errno == UnixDatagrams.ECONNREFUSED || errno == UnixDatagrams.ECONNRESET)) {
                    throw portUnreachable(peer.address);
                }
                throw new SocketException("recvmsg on " + table.localAddress(h) + " failed: "
                        + UnixDatagrams.errnoText(errno));
            }
            SocketName from = UnixDatagrams.senderName(dirPrefix);
            if (from == null) {
                String path = UnixDatagrams.senderPath();
                SwrapLog.error("swrap_recvmsg", "fd=" + fdv + ": dropped a datagram from "
                        + (path == null ? "an unnamed socket" : path) + ", which is not a socket_wrapper name in "
                        + map.dir());
                continue;
            }
            if (peer != null && !from.equals(peer.name)) {
                if (SwrapLog.enabled(SwrapLog.TRACE)) {
                    SwrapLog.trace("swrap_recvmsg", "fd=" + fdv + ": dropped a datagram from " + from
                            + ", connected to " + peer.name);
                }
                continue;
            }
            Sender last = lastSender.get();
            if (last == null || last.fd != fdv || !last.name.equals(from)) {
                last = new Sender(fdv, from, map.inetAddress(from));
                lastSender.set(last);
            }
            table.countRead(fdv, n);
            if (SwrapLog.enabled(SwrapLog.TRACE)) {
                SwrapLog.trace("swrap_recvmsg", "fd=" + fdv + " " + n + " bytes from " + last.address);
            }
            return n;
        }
        return UnixDatagrams.UNAVAILABLE;
    }

    /**
     * DatagramChannelImpl.sendFromNativeBuffer (an unconnected channel's send): sends the bytes
     * between position and limit of direct buffer {@code bb}; the JDK's status, or null if not wrapped.
     */
    public Integer send(FileDescriptor fd, ByteBuffer bb, InetSocketAddress target) throws IOException {
        Handle h = wrapped(fd, "send");
        int pos = bb.position();
        int rem = bb.remaining();
        long n;
        if (map.isBroadcast(target.getAddress())) {
            n = broadcast(fd, h, MemorySegment.ofBuffer(bb).address(), rem, false, target);
        } else {
            SocketName dest = map.remote(target.getAddress(), target.getPort(), false);
            n = send(fd, h, MemorySegment.ofBuffer(bb).address(), rem, false, target, dest, map.pathBytes(dest));
        }
        if (n > 0) {
            bb.position(pos + (int) n);
        }
        return (int) n;
    }

    /** DatagramDispatcher.write/writev (a connected channel's write): null if not wrapped. */
    public Long write(FileDescriptor fd, long address, int len, boolean vector) throws IOException {
        Handle h = wrapped(fd, "write");
        Peer peer = peer(h);
        if (peer == null) {
            throw new SocketException("Destination address required: the datagram socket is not connected");
        }
        return send(fd, h, address, len, vector, peer.address, peer.name, peer.path);
    }

    private long send(FileDescriptor fd, Handle h, long address, int len, boolean vector, InetSocketAddress target,
                      SocketName dest, byte[] path) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        boolean connected = peer(h) != null;
        if (connected && h.takePortUnreachable()) {
            throw portUnreachable(target);
        }
        if (!table.named(h)) {
            network.autobind(fd, h, dest.ipv6(), false);
        }
        Capture capture = Capture.current(); // pcap: before the send, so the reply cannot come first
        if (capture != null) {
            capture.datagram(table.boundName(h), dest, address, len, vector);
        }
        long n = vector ? UnixDatagrams.sendVector(fdv, address, len, path, 0)
                : UnixDatagrams.sendTo(fdv, address, len, path, 0);
        if (n >= 0 || n == UnixDatagrams.UNAVAILABLE || n == UnixDatagrams.INTERRUPTED) {
            if (n > 0) {
                table.countWrite(fdv, n);
            }
            if (SwrapLog.enabled(SwrapLog.TRACE)) {
                SwrapLog.trace("swrap_sendmsg", "fd=" + fdv + " " + n + " bytes to " + target);
            }
            return n;
        }
        int errno = UnixDatagrams.errnoOf(n);
        switch (errno) {
            case UnixDatagrams.ENOENT, UnixDatagrams.ECONNREFUSED -> {
                // nobody has that port: UDP loses the datagram; a connected socket hears of it next call
                if (connected) {
                    h.portUnreachable();
                }
                if (SwrapLog.enabled(SwrapLog.DEBUG)) {
                    SwrapLog.debug("swrap_sendmsg", "fd=" + fdv + ": " + target + " unreachable, datagram lost");
                }
                return len(vector, address, len);
            }
            case UnixDatagrams.EPERM -> {
                // the receiver is connected to someone else: a connected UDP socket drops it too
                return len(vector, address, len);
            }
            case UnixDatagrams.EMSGSIZE -> throw new SocketException("Message too long: " + len(vector, address, len)
                    + " bytes to " + target + " (more than the unix socket's send buffer holds)");
            default -> throw new SocketException("sendmsg to " + target + " (" + map.path(dest) + ") failed: "
                    + UnixDatagrams.errnoText(errno));
        }
    }

    /**
     * A broadcast, as C sends it: one copy to every existing {@code U<ii><port>}, each without
     * waiting (a full receiver loses its copy, as a full UDP socket does). Like the kernel, only
     * with SO_BROADCAST.
     */
    private long broadcast(FileDescriptor fd, Handle h, long address, int len, boolean vector,
                           InetSocketAddress target) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        if (!Boolean.TRUE.equals(EmulatedOptions.get(h, StandardSocketOptions.SO_BROADCAST))) {
            // what the JDK reports for the kernel's EACCES
            throw new BindException("Permission denied: broadcast to " + target
                    + " needs SO_BROADCAST (DatagramChannel.setOption(StandardSocketOptions.SO_BROADCAST, true))");
        }
        if (!table.named(h)) {
            network.autobind(fd, h, false, false);
        }
        long size = len(vector, address, len);
        int copies = 0;
        for (int iface = 1; iface <= 64; iface++) {
            SocketName name = new SocketName(SocketName.UDP_V4, iface, target.getPort());
            Path p = map.path(name);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            byte[] path = map.pathBytes(name);
            long n = vector ? UnixDatagrams.sendVector(fdv, address, len, path, UnixDatagrams.MSG_DONTWAIT)
                    : UnixDatagrams.sendTo(fdv, address, len, path, UnixDatagrams.MSG_DONTWAIT);
            if (n >= 0) {
                copies++;
            } else if (SwrapLog.enabled(SwrapLog.DEBUG)) {
                SwrapLog.debug("swrap_sendmsg", "fd=" + fdv + ": broadcast copy to " + p + " lost: "
                        + (n == UnixDatagrams.UNAVAILABLE ? "queue full" : UnixDatagrams.errnoText(UnixDatagrams.errnoOf(n))));
            }
        }
        table.countWrite(fdv, size);
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_sendmsg", "fd=" + fdv + " broadcast " + size + " bytes to " + target + ": "
                    + copies + " receivers");
        }
        return size;
    }

    /** The bytes a send covers: {@code len} for one buffer, the iovecs' sum for a vector. */
    @SuppressWarnings("restricted") // reads the caller's iovec array, len entries at its address
    private static long len(boolean vector, long address, int len) {
        if (!vector) {
            return len;
        }
        MemorySegment iov = MemorySegment.ofAddress(address).reinterpret(16L * len);
        long sum = 0;
        for (int i = 0; i < len; i++) {
            sum += iov.get(java.lang.foreign.ValueLayout.JAVA_LONG, 16L * i + 8);
        }
        return sum;
    }

    private static PortUnreachableException portUnreachable(InetSocketAddress peer) {
        return new PortUnreachableException("ICMP Port Unreachable: no socket at " + peer.getAddress().getHostAddress()
                + ":" + peer.getPort());
    }
}
