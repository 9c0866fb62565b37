package io.swrap.agent.hooks;

import io.swrap.agent.net.EmulatedOptions;
import io.swrap.agent.net.FakeNetwork;
import io.swrap.agent.net.UnixSockets;
import io.swrap.agent.table.SocketInfo;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;

/**
 * The entry points that advice inlined into java.base calls. Each is a thin step to
 * {@link FakeNetwork}; "not wrapped" answers (null, false, 0) let the original JDK code run.
 */
public final class SocketHooks {
    private static volatile FakeNetwork network;

    private static final VarHandle SOCKET_IMPL_FD;
    private static final VarHandle SOCKET_IMPL_ADDRESS;
    private static final VarHandle SOCKET_IMPL_PORT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(SocketImpl.class, MethodHandles.lookup());
            SOCKET_IMPL_FD = l.findVarHandle(SocketImpl.class, "fd", FileDescriptor.class);
            SOCKET_IMPL_ADDRESS = l.findVarHandle(SocketImpl.class, "address", InetAddress.class);
            SOCKET_IMPL_PORT = l.findVarHandle(SocketImpl.class, "port", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("swrap-agent cannot reach java.net.SocketImpl's fields on Java "
                    + Runtime.version() + ": " + e);
        }
    }

    private SocketHooks() {
    }

    static void install(FakeNetwork net) {
        network = net;
    }

    public static FakeNetwork network() {
        return network;
    }

    /** Net.socket / Net.serverSocket: an AF_UNIX fd instead of an inet one (stream sockets only). */
    public static FileDescriptor socket(boolean stream, boolean server) throws IOException {
        return stream ? network.socket(server) : null;
    }

    public static boolean bind(FileDescriptor fd, InetAddress address, int port) throws IOException {
        return network.bind(fd, address, port);
    }

    public static int connect(FileDescriptor fd, InetAddress address, int port) throws IOException {
        return network.connect(fd, address, port);
    }

    public static InetSocketAddress localAddress(FileDescriptor fd) throws IOException {
        return network.localAddress(fd);
    }

    public static InetSocketAddress remoteAddress(FileDescriptor fd) throws IOException {
        return network.remoteAddress(fd);
    }

    /** Net.setSocketOption: true when the option was emulated. */
    public static boolean setOption(FileDescriptor fd, SocketOption<?> name, Object value) {
        if (!EmulatedOptions.emulated(name)) {
            return false;
        }
        SocketInfo info = network.info(fd);
        if (info == null) {
            return false;
        }
        EmulatedOptions.set(info, name, value);
        return true;
    }

    /** Net.getSocketOption: the emulated value, or null to ask the kernel. */
    public static Object getOption(FileDescriptor fd, SocketOption<?> name) {
        if (!EmulatedOptions.emulated(name)) {
            return null;
        }
        SocketInfo info = network.info(fd);
        return info == null ? null : EmulatedOptions.get(info, name);
    }

    /** finishAccept of the channel listeners: the fake peer address replaces the garbage one. */
    public static SocketAddress acceptedPeer(FileDescriptor newfd, SocketAddress reported) throws IOException {
        SocketInfo info = network.infoOrAdopt(UnixSockets.fdVal(newfd));
        return info == null ? reported : info.peerAddress();
    }

    /** NioSocketImpl.accept (java.net.ServerSocket): fixes the accepted socket's peer fields. */
    public static void acceptedSocketImpl(SocketImpl si) throws IOException {
        FileDescriptor fd = (FileDescriptor) SOCKET_IMPL_FD.getVolatile(si);
        if (fd == null) {
            return;
        }
        SocketInfo info = network.infoOrAdopt(UnixSockets.fdVal(fd));
        if (info != null && info.peerAddress() != null) {
            SOCKET_IMPL_ADDRESS.setVolatile(si, info.peerAddress().getAddress());
            SOCKET_IMPL_PORT.setVolatile(si, info.peerAddress().getPort());
        }
    }

    /** UnixDispatcher.close: runs before close(2), so a reused fd number never meets a stale entry. */
    public static void beforeClose(FileDescriptor fd) {
        network.close(fd);
    }
}
