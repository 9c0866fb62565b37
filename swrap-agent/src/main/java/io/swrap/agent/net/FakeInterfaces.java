package io.swrap.agent.net;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;

/**
 * The network interfaces a process under the agent sees instead of the host's: {@code lo}
 * (127.0.0.1, ::1) and one {@code swrapX} per fake interface X it may use (default interface
 * first), holding {@code <net>.X/24} and {@code fd00::5357:5fXX/64}. {@code NetworkInterface} is
 * final and built natively; its package-private constructor and private fields make the fakes.
 */
public final class FakeInterfaces {
    /** Fake interface X has index {@code INDEX_BASE + X}; lo keeps the kernel's 1. */
    static final int INDEX_BASE = 100;
    static final int LOOPBACK_MTU = 65536;

    private final List<NetworkInterface> all;
    private final NetworkInterface loopback;
    private final int mtu;

    public FakeInterfaces(AddressMap map, List<Integer> interfaces, int mtu) {
        this.mtu = mtu;
        try {
            Builder b = new Builder();
            List<NetworkInterface> list = new ArrayList<>();
            for (int iface : interfaces) {
                list.add(b.build("swrap" + iface, INDEX_BASE + iface,
                        map.hostAddress(false, iface), 24, map.hostAddress(true, iface), 64, true));
            }
            byte[] v4 = {127, 0, 0, 1};
            this.loopback = b.build("lo", 1, InetAddress.getByAddress(v4), 8,
                    Inet6Address.ofLiteral("::1"), 128, false);
            list.add(loopback);
            this.all = List.copyOf(list);
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot build fake NetworkInterface objects on Java "
                    + Runtime.version() + ": " + e, e);
        }
    }

    /** Every interface, fake ones first and lo last (the kernel lists lo first; order is not specified). */
    public List<NetworkInterface> all() {
        return all;
    }

    public NetworkInterface byName(String name) {
        for (NetworkInterface ni : all) {
            if (ni.getName().equals(name)) {
                return ni;
            }
        }
        return null;
    }

    public NetworkInterface byIndex(int index) {
        for (NetworkInterface ni : all) {
            if (ni.getIndex() == index) {
                return ni;
            }
        }
        return null;
    }

    public NetworkInterface byAddress(InetAddress address) {
        for (NetworkInterface ni : all) {
            // a loop, not a stream: the self-check asks this before main
            for (java.util.Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
                if (e.nextElement().equals(address)) {
                    return ni;
                }
            }
        }
        return null;
    }

    /** Whether {@code ni} is one of these fakes (so the natives that look up its name must not run). */
    public boolean isFake(NetworkInterface ni) {
        for (NetworkInterface f : all) {
            if (f == ni) {
                return true;
            }
        }
        return false;
    }

    public boolean isLoopback(NetworkInterface ni) {
        return ni == loopback;
    }

    public int mtu(NetworkInterface ni) {
        return ni == loopback ? LOOPBACK_MTU : mtu;
    }

    /** A locally administered MAC, 02:53:57:5f:00:XX, for swrapX; lo has none (null, as the JDK says). */
    public byte[] hardwareAddress(NetworkInterface ni) {
        return ni == loopback ? null : new byte[] {0x02, 0x53, 0x57, 0x5f, 0, (byte) (ni.getIndex() - INDEX_BASE)};
    }

    private static final class Builder {
        private final MethodHandle newInterface;
        private final MethodHandle newAddress;
        private final VarHandle displayName;
        private final VarHandle bindings;
        private final VarHandle childs;
        private final VarHandle address;
        private final VarHandle broadcast;
        private final VarHandle maskLength;

        Builder() throws ReflectiveOperationException {
            MethodHandles.Lookup ni = MethodHandles.privateLookupIn(NetworkInterface.class, MethodHandles.lookup());
            newInterface = ni.findConstructor(NetworkInterface.class,
                    MethodType.methodType(void.class, String.class, int.class, InetAddress[].class));
            displayName = ni.findVarHandle(NetworkInterface.class, "displayName", String.class);
            bindings = ni.findVarHandle(NetworkInterface.class, "bindings", InterfaceAddress[].class);
            childs = ni.findVarHandle(NetworkInterface.class, "childs", NetworkInterface[].class);
            MethodHandles.Lookup ia = MethodHandles.privateLookupIn(InterfaceAddress.class, MethodHandles.lookup());
            newAddress = ia.findConstructor(InterfaceAddress.class, MethodType.methodType(void.class));
            address = ia.findVarHandle(InterfaceAddress.class, "address", InetAddress.class);
            broadcast = ia.findVarHandle(InterfaceAddress.class, "broadcast", Inet4Address.class);
            maskLength = ia.findVarHandle(InterfaceAddress.class, "maskLength", short.class);
        }

        NetworkInterface build(String name, int index, InetAddress v4, int v4Prefix, InetAddress v6, int v6Prefix,
                                  boolean broadcasts) throws ReflectiveOperationException {
            NetworkInterface ni;
            InterfaceAddress a4;
            InterfaceAddress a6;
            try {
                ni = (NetworkInterface) newInterface.invoke(name, index, new InetAddress[] {v4, v6});
                a4 = (InterfaceAddress) newAddress.invoke();
                a6 = (InterfaceAddress) newAddress.invoke();
            } catch (ReflectiveOperationException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new ReflectiveOperationException(t);
            }
            displayName.set(ni, name);
            childs.set(ni, new NetworkInterface[0]);
            address.set(a4, v4);
            maskLength.set(a4, (short) v4Prefix);
            if (broadcasts) {
                byte[] b = v4.getAddress();
                int host = (1 << (32 - v4Prefix)) - 1;
                int bits = ((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF)) | host;
                try {
                    broadcast.set(a4, (Inet4Address) InetAddress.getByAddress(new byte[] {
                        (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits}));
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError("a 4-byte address is always valid", e);
                }
            }
            address.set(a6, v6);
            maskLength.set(a6, (short) v6Prefix);
            bindings.set(ni, new InterfaceAddress[] {a4, a6});
            return ni;
        }
    }
}
