package io.swrap.smb.smb2.handler;

import io.swrap.smb.config.InterfaceSpec;
import io.swrap.smb.config.SmbConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * [MS-SMB2] 2.2.32.5 NETWORK_INTERFACE_INFO, one 152-byte entry per configured interface: Next (4),
 * IfIndex (4), Capability (4: RSS 1, RDMA 2), Reserved (4), LinkSpeed (8), SockAddr_Storage (128, port 0).
 */
final class NetworkInterfaceInfo {
    private static final int ENTRY = 152;
    private static final short AF_INET = 0x2;
    private static final short AF_INET6 = 0x17;

    private NetworkInterfaceInfo() {
    }

    static byte[] encode(SmbConfig cfg) {
        List<InterfaceSpec> ifaces = cfg.interfaces().isEmpty() ? List.of(loopback()) : cfg.interfaces();
        ByteBuffer b = ByteBuffer.allocate(ENTRY * ifaces.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ifaces.size(); i++) {
            InterfaceSpec f = ifaces.get(i);
            int start = i * ENTRY;
            b.position(start);
            b.putInt(i == ifaces.size() - 1 ? 0 : ENTRY);
            b.putInt(i + 1); // IfIndex: interfaces are numbered in configuration order
            b.putInt((f.rss() ? 1 : 0) | (f.rdma() ? 2 : 0));
            b.putInt(0);
            b.putLong(f.linkSpeed());
            InetAddress a = f.address();
            if (a instanceof Inet4Address) {
                b.putShort(AF_INET).putShort((short) 0).put(a.getAddress());
            } else if (a instanceof Inet6Address a6) {
                b.putShort(AF_INET6).putShort((short) 0).putInt(0).put(a.getAddress()).putInt(a6.getScopeId());
            }
        }
        return b.array();
    }

    private static InterfaceSpec loopback() {
        try {
            return new InterfaceSpec(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0, false, false);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }
}
