package io.swrap.agent.pcap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One pcap record: the record header (host order) and a raw IPv4 or IPv6 packet with a TCP or UDP
 * header synthesised from the fake addresses, as C socket_wrapper's swrap_pcap_packet_init builds
 * it (TTL/hop limit 255, TCP window 0x7FFF, TCP and UDP checksums 0 — tshark does not validate them
 * unless asked). The IPv4 header checksum is set, so it is valid either way.
 */
final class Packets {
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    /** The largest payload of one record: an IPv4 total length must fit 16 bits. */
    static final int MAX_PAYLOAD = 0xFFFF - IPV4_HEADER - TCP_HEADER;

    private Packets() {
    }

    /** A TCP segment from {@code src} to {@code dst}; {@code payload} may be null (len 0). */
    static byte[] tcp(long micros, InetSocketAddress src, InetSocketAddress dst, int seq, int ack, int ctl,
                      MemorySegment payload, long offset, int len) {
        ByteBuffer b = start(micros, src, dst, PROTO_TCP, TCP_HEADER + len);
        b.putShort((short) src.getPort()).putShort((short) dst.getPort()).putInt(seq).putInt(ack)
                .put((byte) 0x50).put((byte) ctl).putShort((short) 0x7FFF).putShort((short) 0).putShort((short) 0);
        return finish(b, payload, offset, len);
    }

    /** A UDP datagram from {@code src} to {@code dst}. */
    static byte[] udp(long micros, InetSocketAddress src, InetSocketAddress dst, MemorySegment payload, long offset,
                      int len) {
        ByteBuffer b = start(micros, src, dst, PROTO_UDP, UDP_HEADER + len);
        b.putShort((short) src.getPort()).putShort((short) dst.getPort()).putShort((short) (UDP_HEADER + len))
                .putShort((short) 0);
        return finish(b, payload, offset, len);
    }

    private static ByteBuffer start(long micros, InetSocketAddress src, InetSocketAddress dst, int proto,
                                    int l4Length) {
        boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        int ipLength = (v4 ? IPV4_HEADER : IPV6_HEADER) + l4Length;
        byte[] out = new byte[PcapFile.RECORD_HEADER + ipLength];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
        b.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(ipLength).putInt(ipLength);
        b.order(ByteOrder.BIG_ENDIAN);
        if (v4) {
            int at = b.position();
            b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0xFFFF)
                    .putShort((short) 0x4000).put((byte) 0xFF).put((byte) proto).putShort((short) 0)
                    .put(src.getAddress().getAddress()).put(dst.getAddress().getAddress());
            b.putShort(at + 10, (short) checksum(out, at, IPV4_HEADER));
        } else {
            b.putInt(0x60000000).putShort((short) l4Length).put((byte) proto).put((byte) 0xFF)
                    .put(v6(src)).put(v6(dst));
        }
        return b;
    }

    /** An IPv4 end in an IPv6 packet (one side of a dual-stack pair) as ::ffff:a.b.c.d. */
    private static byte[] v6(InetSocketAddress a) {
        byte[] raw = a.getAddress().getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] m = new byte[16];
        m[10] = (byte) 0xFF;
        m[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, m, 12, 4);
        return m;
    }

    private static byte[] finish(ByteBuffer b, MemorySegment payload, long offset, int len) {
        if (len > 0) {
            MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, offset, b.array(), b.position(), len);
        }
        return b.array();
    }

    private static int checksum(byte[] b, int at, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[at + i] & 0xFF) << 8) | (b[at + i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
