package io.swrap.agent.net;

import io.swrap.agent.config.SwrapConfig;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * The fake network's address model: interface X is {@code 127.0.0.X} (or {@code 10.53.57.X}) and
 * {@code fd00::5357:5fXX}; each (type, interface, port) is one file in the socket directory.
 */
public final class AddressMap {
    private static final byte[] IPV6_PREFIX = {
        (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53, 0x57, 0x5f, 0};

    private final Path dir;
    /** The directory with a trailing slash, as the bytes of a {@code sun_path}. */
    private final byte[] dirPrefix;
    private final byte[] ipv4Prefix;
    private final int defaultIface;

    public AddressMap(SwrapConfig config) {
        this(config.dir(), config.ipv4Network().prefix(), config.defaultIface());
    }

    AddressMap(Path dir, byte[] ipv4Prefix, int defaultIface) {
        this.dir = dir;
        this.dirPrefix = (dir + "/").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.ipv4Prefix = ipv4Prefix.clone();
        this.defaultIface = defaultIface;
    }

    public Path dir() {
        return dir;
    }

    public int defaultIface() {
        return defaultIface;
    }

    public Path path(SocketName name) {
        return dir.resolve(name.fileName());
    }

    /** {@link #path} as the bytes of a {@code sun_path}, without building a Path. */
    public byte[] pathBytes(SocketName name) {
        byte[] b = java.util.Arrays.copyOf(dirPrefix, dirPrefix.length + SocketName.LENGTH);
        String file = name.fileName();
        for (int i = 0; i < SocketName.LENGTH; i++) {
            b[dirPrefix.length + i] = (byte) file.charAt(i);
        }
        return b;
    }

    /** The directory with a trailing slash, as bytes: what every sender's {@code sun_path} starts with. */
    public byte[] dirPrefix() {
        return dirPrefix.clone();
    }

    /** The fake address a name stands for: {@code T0B01BD} is 127.0.0.11:445. */
    public InetSocketAddress inetAddress(SocketName name) {
        return new InetSocketAddress(hostAddress(name.ipv6(), name.iface()), name.port());
    }

    /** The fake host address of interface {@code iface}. */
    public InetAddress hostAddress(boolean ipv6, int iface) {
        byte[] b = ipv6 ? IPV6_PREFIX.clone() : ipv4Prefix.clone();
        b[b.length - 1] = (byte) iface;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4 or 16 byte address is always valid", e);
        }
    }

    /**
     * The interface of a fake host address, or 0 when the address is outside the fake network.
     * Wildcards are not fake host addresses and give 0 too.
     */
    public int ifaceOf(InetAddress address) {
        byte[] b = address.getAddress();
        byte[] prefix = address instanceof Inet6Address ? IPV6_PREFIX : ipv4Prefix;
        for (int i = 0; i < b.length - 1; i++) {
            if (b[i] != prefix[i]) {
                return 0;
            }
        }
        int iface = b[b.length - 1] & 0xFF;
        return iface <= SwrapConfig.MAX_INTERFACES ? iface : 0;
    }

    /**
     * Maps a destination to the name its listener must have. An address outside the fake network
     * gets {@code Network is unreachable}: the agent never lets a wrapped socket reach a real host.
     */
    public SocketName remote(InetAddress address, int port, boolean stream) throws SocketException {
        int iface = ifaceOf(address);
        if (iface == 0) {
            throw new SocketException("Network is unreachable: " + address.getHostAddress()
                    + " is outside the socket_wrapper network (interfaces 1.." + SwrapConfig.MAX_INTERFACES
                    + " of " + networkText() + ")");
        }
        return new SocketName(type(address instanceof Inet6Address, stream), iface, port);
    }

    /**
     * Maps a local bind address to a name with the given port: the wildcard means the default
     * interface (as in C); anything outside the fake network cannot be assigned.
     */
    public SocketName local(InetAddress address, int port, boolean stream) throws BindException {
        boolean ipv6 = address instanceof Inet6Address;
        int iface = address.isAnyLocalAddress() ? defaultIface : ifaceOf(address);
        if (iface == 0) {
            throw new BindException("Cannot assign requested address: " + address.getHostAddress()
                    + " is not an interface of the socket_wrapper network (interfaces 1.."
                    + SwrapConfig.MAX_INTERFACES + " of " + networkText() + ")");
        }
        return new SocketName(type(ipv6, stream), iface, port);
    }

    /**
     * Whether a destination is a broadcast address of the fake network: 255.255.255.255 or the
     * network's {@code .255}, as C socket_wrapper recognises them (IPv6 has no broadcast).
     */
    public boolean isBroadcast(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4 || b[3] != (byte) 0xff) {
            return false;
        }
        boolean limited = b[0] == (byte) 0xff && b[1] == (byte) 0xff && b[2] == (byte) 0xff;
        return limited || (b[0] == ipv4Prefix[0] && b[1] == ipv4Prefix[1] && b[2] == ipv4Prefix[2]);
    }

    /** The directory's entry for a name given as a path, or null if that path lies elsewhere. */
    public SocketName nameIn(String path) {
        SocketName name = SocketName.parse(path);
        return name != null && dir.equals(Path.of(path).getParent()) ? name : null;
    }

    public static char type(boolean ipv6, boolean stream) {
        if (ipv6) {
            return stream ? SocketName.TCP_V6 : SocketName.UDP_V6;
        }
        return stream ? SocketName.TCP_V4 : SocketName.UDP_V4;
    }

    private String networkText() {
        return hostAddress(false, 0).getHostAddress() + "/24 and fd00::5357:5f00/120";
    }
}
