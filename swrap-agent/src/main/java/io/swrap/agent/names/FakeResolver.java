package io.swrap.agent.names;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.config.SwrapConfig.HostIdentity;
import io.swrap.agent.net.AddressMap;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The JVM's resolver while the agent is on: names come from resolv_wrapper's hosts file, the
 * process's own host name and {@code localhost}; nothing else resolves, so no DNS query ever
 * leaves the process. An unknown name is an {@link UnknownHostException} naming the file.
 */
public final class FakeResolver implements InetAddressResolver {
    private final HostIdentity identity;
    private final HostsFile hosts;
    private final InetAddress[] own;

    public FakeResolver(HostIdentity identity, AddressMap map) {
        this.identity = identity;
        this.hosts = identity.hostsFile() == null ? null : new HostsFile(identity.hostsFile());
        int iface = map.defaultIface();
        this.own = new InetAddress[] {map.hostAddress(false, iface), map.hostAddress(true, iface)};
    }

    /** The process's address on its default interface under its host name: {@code getLocalHost()}. */
    public InetAddress localHost() {
        try {
            return InetAddress.getByAddress(identity.hostName(), own[0].getAddress());
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        String query = HostsFile.normalise(host);
        List<InetAddress> found = new ArrayList<>();
        if (query.equals("localhost") || query.equals("localhost.localdomain")) {
            found.add(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            found.add(InetAddress.getByAddress(host, Inet6Address.ofLiteral("::1").getAddress()));
        } else if (query.equals(HostsFile.normalise(identity.hostName()))) {
            for (InetAddress a : own) {
                found.add(InetAddress.getByAddress(host, a.getAddress()));
            }
        } else if (hosts != null) {
            try {
                found.addAll(hosts.addresses(host));
            } catch (IOException e) {
                UnknownHostException u = new UnknownHostException(host + ": cannot read RESOLV_WRAPPER_HOSTS="
                        + hosts.path() + ": " + e.getMessage());
                u.initCause(e);
                throw u;
            }
        }
        List<InetAddress> ordered = order(found, policy.characteristics());
        if (ordered.isEmpty()) {
            throw unknown(host, found.isEmpty() ? "" : " (no address of the family the lookup asked for)");
        }
        SwrapLog.debug("rwrap_lookup", host + " -> " + ordered);
        return ordered.stream();
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
        InetAddress address = InetAddress.getByAddress(addr);
        if (hosts != null) {
            try {
                String name = hosts.nameOf(address);
                if (name != null) {
                    return name;
                }
            } catch (IOException e) {
                UnknownHostException u = new UnknownHostException(address.getHostAddress()
                        + ": cannot read RESOLV_WRAPPER_HOSTS=" + hosts.path() + ": " + e.getMessage());
                u.initCause(e);
                throw u;
            }
        }
        if (Arrays.asList(own).contains(address)) {
            return identity.hostName();
        }
        if (address.isLoopbackAddress() && (addr.length == 16 || addr[3] == 1)) {
            return "localhost";
        }
        throw unknown(address.getHostAddress(), "");
    }

    private UnknownHostException unknown(String what, String detail) {
        String where = hosts == null
                ? "RESOLV_WRAPPER_HOSTS is not set, so only localhost, " + identity.hostName()
                        + " and literal addresses resolve"
                : "not in RESOLV_WRAPPER_HOSTS=" + hosts.path();
        return new UnknownHostException(what + ": " + where + detail + " (swrap-agent makes no DNS queries)");
    }

    private static List<InetAddress> order(List<InetAddress> found, int characteristics) {
        boolean v4 = (characteristics & LookupPolicy.IPV4) != 0;
        boolean v6 = (characteristics & LookupPolicy.IPV6) != 0;
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : found) {
            if (a instanceof Inet4Address ? v4 : v6) {
                out.add(a);
            }
        }
        if ((characteristics & LookupPolicy.IPV4_FIRST) != 0) {
            out.sort((a, b) -> Boolean.compare(a instanceof Inet6Address, b instanceof Inet6Address));
        } else if ((characteristics & LookupPolicy.IPV6_FIRST) != 0) {
            out.sort((a, b) -> Boolean.compare(a instanceof Inet4Address, b instanceof Inet4Address));
        }
        return out;
    }
}
