package io.swrap.smb.config;

import java.net.InetAddress;

/**
 * One entry of smb.conf {@code interfaces}, e.g. {@code 127.0.0.11;speed=10000000000,capability=RSS}.
 *
 * @param address the address to listen on
 * @param linkSpeed bits per second reported by FSCTL_QUERY_NETWORK_INTERFACE_INFO (0: unknown)
 * @param rss capability RSS, as in [MS-SMB2] 2.2.32.5
 * @param rdma capability RDMA
 */
public record InterfaceSpec(InetAddress address, long linkSpeed, boolean rss, boolean rdma) {
}
