package io.swrap.agent.pcap;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.net.AddressMap;
import io.swrap.agent.net.SocketName;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes this process's share of the network's pcap capture ({@code SOCKET_WRAPPER_PCAP_FILE}).
 *
 * <p>Who writes what, so that each packet appears once in a file many processes share:
 * <ul>
 * <li>Both ends wrapped by the agent (Java↔Java): each side writes only what it sends — the
 * connecting side writes SYN, SYN/ACK and ACK; each side its data segments (PSH/ACK, split at
 * {@code SOCKET_WRAPPER_MTU}) and its FIN/ACK; the side that closes second also the last ACK.
 * A side's sequence number is its record's byte count in the shared table; its acknowledgement
 * number is what the other side has written so far, read from the other side's record (whose
 * count grows only after the packet is in the file, so nothing is ever ACKed before it appears).</li>
 * <li>The other end is a C program under libsocket_wrapper: C writes both its sends and its
 * receives (and the handshake and teardown) when it has the same SOCKET_WRAPPER_PCAP_FILE, so
 * the agent writes nothing for that connection or datagram. A peer is "C" when no record of the
 * shared table holds its socket name.</li>
 * <li>UDP: the sender writes each datagram whose receiver is a wrapped Java socket.</li>
 * <li>A refused connect: SYN, then RST/ACK from the address that refused.</li>
 * </ul>
 */
// Restricted FFM: reads the caller's buffers and iovec arrays at the addresses the JDK passes to write.
@SuppressWarnings("restricted")
public final class Capture {
    private static volatile Capture current;
    /** Receivers remembered as wrapped (UDP); beyond, the cache starts over (a table scan per miss). */
    static final int MAX_UDP_RECEIVERS = 4096;

    private final PcapFile file;
    private final SocketTable table;
    private final AddressMap map;
    private final int mtu;
    private final ConcurrentHashMap<Handle, TcpFlow> flows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Integer> udpReceivers = new ConcurrentHashMap<>();
    private volatile boolean failed;

    private Capture(PcapFile file, SocketTable table, AddressMap map, int mtu) {
        this.file = file;
        this.table = table;
        this.map = map;
        this.mtu = Math.min(mtu, Packets.MAX_PAYLOAD);
    }

    /** Starts capturing into {@code path}: every later wrapped send of this process is written there. */
    public static Capture start(Path path, SocketTable table, AddressMap map, int mtu) throws IOException {
        Capture c = new Capture(PcapFile.open(path), table, map, mtu);
        current = c;
        SwrapLog.debug("swrap_pcap_init", "capturing to " + path);
        return c;
    }

    /** The capture of this process, or null when SOCKET_WRAPPER_PCAP_FILE is unset (one volatile read). */
    public static Capture current() {
        return current;
    }

    /** One TCP connection as this process writes it; {@code NOT_OURS} for connections C captures. */
    private static final class TcpFlow {
        final InetSocketAddress local;
        final InetSocketAddress peer;
        int peerIndex;
        long peerIdentity;
        long peerTxSeen;
        /** Bytes of this side captured so far (ahead of what the table counts while a write is under way). */
        long capturedTx;
        volatile boolean peerFin;
        volatile boolean finSent;

        TcpFlow(InetSocketAddress local, InetSocketAddress peer, int peerIndex, long peerIdentity) {
            this.local = local;
            this.peer = peer;
            this.peerIndex = peerIndex;
            this.peerIdentity = peerIdentity;
        }
    }

    private static final TcpFlow NOT_OURS = new TcpFlow(null, null, -1, 0);

    /** A wrapped stream socket connected to {@code address:port}: the handshake, when the listener is wrapped. */
    public void connected(Handle h, InetAddress address, int port) {
        try {
            SocketName dest = map.remote(address, port, true);
            if (findBound(dest) < 0) {
                flows.put(h, NOT_OURS);
                return;
            }
            InetSocketAddress local = table.localAddress(h);
            InetSocketAddress peer = map.inetAddress(dest);
            TcpFlow f = new TcpFlow(local, peer, -1, 0);
            flows.put(h, f);
            tcp(local, peer, 0, 0, Packets.TCP_SYN, null, 0, 0);
            tcp(peer, local, 0, 1, Packets.TCP_SYN | Packets.TCP_ACK, null, 0, 0);
            tcp(local, peer, 1, 1, Packets.TCP_ACK, null, 0, 0);
        } catch (SocketException | RuntimeException e) {
            fail(e);
        }
    }

    /** A connect to {@code address:port} refused: SYN and the RST/ACK that answered it. */
    public void refused(Handle h, InetAddress address, int port) {
        InetSocketAddress local = table.localAddress(h);
        if (local == null) {
            return;
        }
        InetSocketAddress peer = new InetSocketAddress(address, port);
        tcp(local, peer, 0, 0, Packets.TCP_SYN, null, 0, 0);
        tcp(peer, local, 0, 1, Packets.TCP_RST | Packets.TCP_ACK, null, 0, 0);
    }

    /**
     * A write to a wrapped stream socket, before the system call: the bytes at {@code address}
     * ({@code count} iovecs there when {@code vector}) not captured yet. A partial write's rest,
     * written again by the next call, was captured already and is skipped then.
     */
    public void sending(Handle h, long address, int count, boolean vector) {
        TcpFlow f = flow(h);
        if (f == null || f == NOT_OURS) {
            return;
        }
        long n = vector ? vectorLength(address, count) : count;
        long start = table.txBytes(h.index());
        long skip = Math.max(0, f.capturedTx - start);
        if (n <= skip) {
            return;
        }
        MemorySegment data = vector ? gather(address, count, n) : MemorySegment.ofAddress(address).reinterpret(n);
        long seq = 1 + start;
        int ack = ack(f);
        for (long off = skip; off < n; off += mtu) {
            int len = (int) Math.min(mtu, n - off);
            tcp(f.local, f.peer, (int) (seq + off), ack, Packets.TCP_PSH | Packets.TCP_ACK, data, off, len);
        }
        f.capturedTx = start + n;
    }

    private static long vectorLength(long address, int count) {
        MemorySegment iov = MemorySegment.ofAddress(address).reinterpret(16L * count);
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += iov.get(ValueLayout.JAVA_LONG, 16L * i + 8);
        }
        return sum;
    }

    /** A read of a wrapped stream socket returned end-of-stream: the peer's FIN is in the file. */
    public void endOfStream(Handle h) {
        TcpFlow f = flows.get(h);
        if (f != null && f != NOT_OURS) {
            f.peerFin = true;
        }
    }

    /** A wrapped stream socket is about to be closed: its FIN unless shutdownOutput sent it. */
    public void closing(Handle h) {
        TcpFlow f = flows.remove(h);
        if (f != null && f != NOT_OURS && !f.finSent) {
            fin(h, f);
        }
    }

    /** shutdownOutput (or shutdown both ways), before the system call: the FIN the peer will read. */
    public void finishing(Handle h) {
        TcpFlow f = flow(h);
        if (f != null && f != NOT_OURS && !f.finSent) {
            f.finSent = true;
            fin(h, f);
        }
    }

    /** FIN/ACK, and the last ACK (as the peer's) if the peer's FIN came first. */
    private void fin(Handle h, TcpFlow f) {
        if (f.peerIndex >= 0 && table.identity(f.peerIndex) != f.peerIdentity) {
            // the peer's record is gone: it closed, and wrote its FIN, first; all it sent was read or lost
            f.peerFin = true;
            f.peerTxSeen = Math.max(f.peerTxSeen, table.rxBytes(h.index()));
        }
        int seq = (int) (1 + Math.max(f.capturedTx, table.txBytes(h.index())));
        int ack = ack(f);
        tcp(f.local, f.peer, seq, ack, Packets.TCP_FIN | Packets.TCP_ACK, null, 0, 0);
        if (f.peerFin) {
            tcp(f.peer, f.local, ack, seq + 1, Packets.TCP_ACK, null, 0, 0);
        }
    }

    /**
     * A datagram about to be sent from {@code from} to {@code dest} (the bytes at {@code address},
     * or {@code count} iovecs there when {@code vector}): written if a wrapped socket receives it.
     */
    public void datagram(SocketName from, SocketName dest, long address, int count, boolean vector) {
        long n = vector ? vectorLength(address, count) : count;
        if (from == null || !javaReceiver(dest)) {
            return;
        }
        MemorySegment data = vector ? gather(address, count, n) : MemorySegment.ofAddress(address).reinterpret(n);
        int len = (int) Math.min(n, Packets.MAX_PAYLOAD);
        write(Packets.udp(micros(), map.inetAddress(from), map.inetAddress(dest), data, 0, len));
    }

    private boolean javaReceiver(SocketName dest) {
        int packed = dest.type() << 24 | dest.iface() << 16 | dest.port();
        Integer known = udpReceivers.get(packed);
        if (known != null && table.identity(known) == (packed & 0xFFFFFFFFL)) {
            return true;
        }
        int i = table.findBound(dest);
        if (i < 0) {
            udpReceivers.remove(packed);
            return false;
        }
        if (udpReceivers.size() >= MAX_UDP_RECEIVERS) {
            udpReceivers.clear();
        }
        udpReceivers.put(packed, i);
        return true;
    }

    /** The flow of {@code h}; an accepted socket's is made at its first send. Null: not a connection. */
    private TcpFlow flow(Handle h) {
        TcpFlow f = flows.get(h);
        if (f != null) {
            return f;
        }
        InetSocketAddress peer = table.peerAddress(h);
        InetSocketAddress local = table.localAddress(h);
        if (peer == null || local == null || table.datagram(h)) {
            return null;
        }
        try {
            // accepted: the client is wrapped when its (auto)bound name is in the table
            int client = table.findBound(map.remote(peer.getAddress(), peer.getPort(), true));
            f = client < 0 ? NOT_OURS : new TcpFlow(local, peer, client, table.identity(client));
        } catch (SocketException e) {
            f = NOT_OURS;
        }
        TcpFlow raced = flows.putIfAbsent(h, f);
        return raced != null ? raced : f;
    }

    /** 1 + what the peer has written so far (+1 for its FIN), never more than the file holds. */
    private int ack(TcpFlow f) {
        if (f.peerIndex < 0) {
            // the connecting side meets the accepted socket once the server has accepted it
            int i = table.findAccepted(f.peer, f.local);
            if (i >= 0) {
                f.peerIndex = i;
                f.peerIdentity = table.identity(i);
            }
        }
        if (f.peerIndex >= 0 && table.identity(f.peerIndex) == f.peerIdentity) {
            f.peerTxSeen = Math.max(f.peerTxSeen, table.txBytes(f.peerIndex));
        }
        return (int) (1 + f.peerTxSeen + (f.peerFin ? 1 : 0));
    }

    private int findBound(SocketName dest) {
        int i = table.findBound(dest);
        if (i < 0 && dest.type() == SocketName.TCP_V4) {
            // a dual-stack listener holds the IPv6 name; the IPv4 one is a hard link to it
            i = table.findBound(new SocketName(SocketName.TCP_V6, dest.iface(), dest.port()));
        }
        return i;
    }

    private static MemorySegment gather(long address, int count, long n) {
        MemorySegment iov = MemorySegment.ofAddress(address).reinterpret(16L * count);
        byte[] out = new byte[(int) n];
        int at = 0;
        for (int i = 0; i < count && at < n; i++) {
            long base = iov.get(ValueLayout.JAVA_LONG, 16L * i);
            int len = (int) Math.min(iov.get(ValueLayout.JAVA_LONG, 16L * i + 8), n - at);
            MemorySegment.copy(MemorySegment.ofAddress(base).reinterpret(len), ValueLayout.JAVA_BYTE, 0, out, at, len);
            at += len;
        }
        return MemorySegment.ofArray(out);
    }

    private void tcp(InetSocketAddress src, InetSocketAddress dst, int seq, int ack, int ctl, MemorySegment data,
                     long off, int len) {
        write(Packets.tcp(micros(), src, dst, seq, ack, ctl, data, off, len));
    }

    private void write(byte[] record) {
        if (!file.append(record, record.length) && !failed) {
            failed = true;
            SwrapLog.error("swrap_pcap_dump_packet", "cannot append to " + file.path()
                    + " (SOCKET_WRAPPER_PCAP_FILE): disk full or file removed? packets of this process are lost");
        }
    }

    private void fail(Exception e) {
        SwrapLog.error("swrap_pcap_dump_packet", "cannot capture a packet: " + e);
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
