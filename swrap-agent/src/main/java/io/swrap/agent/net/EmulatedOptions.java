package io.swrap.agent.net;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.table.Handle;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

/**
 * Socket options on wrapped sockets. The socket-level options that AF_UNIX honours go to the
 * kernel; everything TCP- or IP-level (TCP_NODELAY, IP_TOS, TCP_KEEPIDLE, ...) and SO_REUSEPORT,
 * which Linux refuses on unix sockets, is remembered per socket and read back, so a program that
 * tunes its sockets runs unchanged instead of failing with "Operation not supported".
 */
public final class EmulatedOptions {
    /** Options the kernel accepts on an AF_UNIX stream socket. */
    private static final Set<SocketOption<?>> KERNEL = Set.of(
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_REUSEADDR);

    /** Linux's defaults for the extended TCP keep-alive and the multicast options, reported until set. */
    private static final Map<String, Object> DEFAULTS = Map.of(
            "TCP_KEEPIDLE", 7200, "TCP_KEEPINTERVAL", 75, "TCP_KEEPCOUNT", 9,
            "IP_MULTICAST_TTL", 1, "IP_MULTICAST_LOOP", Boolean.TRUE);

    private EmulatedOptions() {
    }

    /** Whether the agent answers this option itself rather than the kernel. */
    public static boolean emulated(SocketOption<?> name) {
        return !KERNEL.contains(name);
    }

    /** Stores an emulated option's value, with the checks the JDK would have made. */
    public static void set(Handle info, SocketOption<?> name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("Invalid option value");
        }
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + name.name()
                    + " (expected: " + name.type().getSimpleName() + ")");
        }
        if (name == StandardSocketOptions.IP_TOS || name == StandardSocketOptions.IP_MULTICAST_TTL) {
            int i = (Integer) value;
            if (i < 0 || i > 255) {
                throw new IllegalArgumentException("Invalid " + name.name() + " value: " + i + " (expected: 0..255)");
            }
        }
        info.options().put(name, value);
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_setsockopt", name.name() + "=" + value + " (emulated)");
        }
    }

    /** An emulated option's value: what was set, else the usual default; null to ask the kernel. */
    public static Object get(Handle info, SocketOption<?> name) {
        Object v = info.options().get(name);
        if (v != null) {
            return v;
        }
        v = DEFAULTS.get(name.name());
        if (v != null) {
            return v;
        }
        if (name.type() == Boolean.class) {
            return Boolean.FALSE;
        }
        if (name.type() == Integer.class) {
            return 0;
        }
        return null;
    }
}
