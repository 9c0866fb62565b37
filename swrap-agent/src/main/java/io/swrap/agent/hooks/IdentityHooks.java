package io.swrap.agent.hooks;

import io.swrap.agent.names.FakeResolver;
import io.swrap.agent.net.FakeInterfaces;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.spi.InetAddressResolver;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Host identity: the entry points the advice on {@code InetAddress.getLocalHost} and
 * {@code NetworkInterface} calls, and the installation of the agent's resolver.
 */
public final class IdentityHooks {
    private static volatile FakeResolver resolver;
    private static volatile FakeInterfaces interfaces;

    private IdentityHooks() {
    }

    /**
     * Makes {@code resolver} the JVM's resolver at once. The JDK would take an
     * {@code InetAddressResolverProvider} from the agent jar too, but skips providers under
     * {@code -Djdk.net.hosts.file} and takes the first of several (an application may bring its
     * own): either would let a lookup reach real DNS, so the field is set here and checked.
     */
    public static void install(FakeResolver fakeResolver, FakeInterfaces fakeInterfaces) {
        resolver = fakeResolver;
        interfaces = fakeInterfaces;
        try {
            VarHandle field = MethodHandles.privateLookupIn(InetAddress.class, MethodHandles.lookup())
                    .findStaticVarHandle(InetAddress.class, "resolver", InetAddressResolver.class);
            field.setVolatile(fakeResolver);
            if (field.getVolatile() != fakeResolver) {
                throw new IllegalStateException("InetAddress.resolver did not keep the agent's resolver");
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the name resolver on Java " + Runtime.version()
                    + " (java.net.InetAddress.resolver): " + e, e);
        }
    }

    /** {@code InetAddress.getLocalHost()}. */
    public static InetAddress localHost() {
        return resolver.localHost();
    }

    /** {@code NetworkInterface.getByName}: present or empty, never null (null lets the JDK run). */
    public static Optional<NetworkInterface> byName(String name) {
        return name == null ? null : Optional.ofNullable(interfaces.byName(name));
    }

    public static Optional<NetworkInterface> byIndex(int index) {
        return index < 0 ? null : Optional.ofNullable(interfaces.byIndex(index));
    }

    public static Optional<NetworkInterface> byAddress(InetAddress address) {
        return address == null ? null : Optional.ofNullable(interfaces.byAddress(address));
    }

    public static Enumeration<NetworkInterface> enumeration() {
        return Collections.enumeration(interfaces.all());
    }

    public static Stream<NetworkInterface> stream() {
        return interfaces.all().stream();
    }

    /**
     * The instance queries whose natives look the interface up by name: answered for the fakes
     * (null for a real interface, which cannot exist under the agent but costs nothing to allow).
     */
    public static Object query(NetworkInterface ni, String method) {
        if (!interfaces.isFake(ni)) {
            return null;
        }
        return switch (method) {
            case "isUp" -> Boolean.TRUE;
            case "isLoopback" -> interfaces.isLoopback(ni);
            case "isPointToPoint", "supportsMulticast" -> Boolean.FALSE;
            case "getMTU" -> interfaces.mtu(ni);
            case "getHardwareAddress" -> Optional.ofNullable(interfaces.hardwareAddress(ni));
            default -> throw new IllegalStateException("no fake answer for NetworkInterface." + method);
        };
    }
}
