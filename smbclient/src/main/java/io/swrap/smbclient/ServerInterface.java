package io.swrap.smbclient;

import java.net.InetAddress;

/**
 * One entry of the server's FSCTL_QUERY_NETWORK_INTERFACE_INFO answer ([MS-SMB2] 2.2.32.5
 * NETWORK_INTERFACE_INFO), as {@link Tree#networkInterfaces()} returns them.
 *
 * @param ifIndex the server's interface index
 * @param capability RSS_CAPABLE 0x1, RDMA_CAPABLE 0x2
 * @param linkSpeed bits per second
 * @param address the interface's IPv4 or IPv6 address (the entry's port is 0: the client uses the port it
 *     reached the server on)
 */
public record ServerInterface(int ifIndex, int capability, long linkSpeed, InetAddress address) {
}
