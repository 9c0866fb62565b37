package io.swrap.agent.hooks;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.net.FakeNetwork;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry points of the fail-closed advices: every JVM path to an inet socket that the agent
 * does not wrap is refused with an exception (or, for a reachability probe, answered from the fake
 * network), never left real. Installed only while the agent is on.
 */
public final class FailClosed {
    private static volatile FakeNetwork network;
    /** "class@loader" of each native transport class already reported, so each gets one log line. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private FailClosed() {
    }

    static void install(FakeNetwork net) {
        network = net;
    }

    /** SctpNet.socket: SCTP has no socket_wrapper model; a real association would leave the network. */
    public static SocketException sctpRefused() {
        return new SocketException("Protocol not supported: swrap-agent refuses SCTP sockets: the fake network"
                + " (SOCKET_WRAPPER_DIR=" + network.addressMap().dir() + ") carries TCP only");
    }

    /**
     * InetAddress.isReachable: the JDK would send a real ICMP echo or connect to port 7. Inside the
     * fake network every interface is up, so its addresses answer; nothing outside it does. Null
     * for arguments the JDK rejects itself (it then throws as usual).
     */
    public static Boolean isReachable(InetAddress address, NetworkInterface netif, int ttl, int timeout) {
        if (ttl < 0 || timeout < 0) {
            return null;
        }
        boolean reachable = network.addressMap().ifaceOf(address) != 0;
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            SwrapLog.debug("swrap_is_reachable", address.getHostAddress() + (reachable ? " is an interface"
                    : " is outside") + " of the fake network: " + (reachable ? "reachable" : "unreachable")
                    + " (no probe sent)");
        }
        return reachable;
    }

    /** A native transport class (Netty epoll, io_uring, kqueue, shaded or not) was disabled as it loaded. */
    static void nativeTransportDisabled(String className, ClassLoader loader) {
        if (REPORTED.add(className + "@" + System.identityHashCode(loader))) {
            SwrapLog.warn("swrap_native_transport", className + " (class loader " + loader
                    + ") reports unavailable: native transports bypass the JDK sockets the agent wraps; Netty falls"
                    + " back to NIO");
        }
    }

    /** Netty's {@code Epoll.unavailabilityCause()} and friends under the agent. */
    public static Throwable nativeTransportCause(String className) {
        return new UnsupportedOperationException("swrap-agent disables the native transport " + className
                + ": it would bypass the fake network (SOCKET_WRAPPER_DIR=" + network.addressMap().dir()
                + "); use Netty's NIO transport (NioIoHandler, NioSocketChannel)");
    }

    /** Netty's {@code Epoll.ensureAvailability()} and friends under the agent: Netty's own error type. */
    public static Error nativeTransportError(String className) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("native transport " + className
                + " is unavailable under swrap-agent");
        e.initCause(nativeTransportCause(className));
        return e;
    }
}
