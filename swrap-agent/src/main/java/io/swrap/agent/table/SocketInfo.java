package io.swrap.agent.table;

import io.swrap.agent.net.SocketName;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the agent knows of one wrapped socket: the name it holds in the socket directory, the fake
 * addresses the program sees, and the socket options AF_UNIX cannot take.
 */
public final class SocketInfo {
    private final boolean server;
    private volatile SocketName boundName;
    private volatile InetSocketAddress localAddress;
    private volatile InetSocketAddress peerAddress;
    private volatile Map<SocketOption<?>, Object> options;

    public SocketInfo(boolean server) {
        this.server = server;
    }

    /** An accepted connection: it holds no name of its own (the listener does). */
    public static SocketInfo accepted(InetSocketAddress local, InetSocketAddress peer) {
        SocketInfo info = new SocketInfo(false);
        info.localAddress = local;
        info.peerAddress = peer;
        return info;
    }

    /** Created for a listener (ServerSocketChannel, ServerSocket). */
    public boolean server() {
        return server;
    }

    /** The file this socket is bound to and must unlink when closed; null if none. */
    public SocketName boundName() {
        return boundName;
    }

    public void bound(SocketName name, InetSocketAddress local) {
        this.boundName = name;
        this.localAddress = local;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public InetSocketAddress peerAddress() {
        return peerAddress;
    }

    public void connected(InetSocketAddress peer) {
        this.peerAddress = peer;
    }

    /** Emulated socket options, created on first use. */
    public Map<SocketOption<?>, Object> options() {
        Map<SocketOption<?>, Object> m = options;
        if (m == null) {
            synchronized (this) {
                m = options;
                if (m == null) {
                    options = m = new ConcurrentHashMap<>();
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return (server ? "listener" : "stream") + "[name=" + boundName + ", local=" + localAddress
                + ", peer=" + peerAddress + "]";
    }
}
