package io.swrap.agent.api;

import io.swrap.agent.hooks.SocketHooks;
import io.swrap.agent.net.FakeNetwork;
import io.swrap.agent.net.UnixSockets;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Turns a wrapped socket received from another process (junixsocket's
 * {@code getReceivedFileDescriptors()}) into an ordinary JDK channel: it reports the socket's fake
 * addresses, registers with JDK selectors, and Netty adopts it with
 * {@code new NioSocketChannel(parent, channel)}. junixsocket's own {@code FileDescriptorCast}
 * would give a channel that JDK selectors refuse and that reports unix addresses.
 *
 * <p>Adopting takes ownership: the channel gets a new FileDescriptor object for the descriptor
 * and the one passed in becomes invalid, so junixsocket cannot close the descriptor under the
 * channel when its own socket closes. Close the channel to release the socket.
 *
 * <p>Works only in a JVM running under the swrap agent (with SOCKET_WRAPPER_DIR set).
 */
public final class WrappedSockets {
    private WrappedSockets() {
    }

    /**
     * The descriptor of a JDK socket channel (e.g. one Netty accepted), to pass it to another
     * process with junixsocket's {@code setOutboundFileDescriptors}. The channel keeps owning it.
     *
     * @throws IllegalArgumentException if {@code channel} is not one of the JDK's own channels
     */
    public static FileDescriptor fileDescriptor(NetworkChannel channel) {
        network();
        if (!Constructors.SEL_CH_IMPL.isInstance(channel)) {
            throw new IllegalArgumentException(channel.getClass().getName() + " is not a JDK socket channel"
                    + " (expected: a sun.nio.ch.SelChImpl, as SocketChannel.open() and accept() return)");
        }
        try {
            return (FileDescriptor) Constructors.GET_FD.invoke(channel);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the descriptor of " + channel + ": " + t, t);
        }
    }

    /**
     * Frees the table records of processes that died without releasing them, now: what a supervisor calls when
     * it sees a child die (a process otherwise sweeps only before its own first locked section).
     *
     * @return how many records were freed
     */
    public static int reclaimDeadOwners() {
        return network().table().reclaim();
    }

    /** Whether {@code fd} is a wrapped socket of the fake network (e.g. one received from another process). */
    public static boolean isWrapped(FileDescriptor fd) {
        return network().handle(fd) != null;
    }

    /** Whether {@code fd} is a wrapped listening socket: adopt it with {@link #adoptServer}. */
    public static boolean isListener(FileDescriptor fd) {
        Handle h = network().handle(fd);
        return h != null && network().table().listener(h);
    }

    /**
     * A connected wrapped socket as a blocking JDK {@link SocketChannel} with its fake local and
     * peer addresses.
     *
     * @throws IllegalArgumentException if {@code fd} is not a wrapped socket, or is a listener
     */
    public static SocketChannel adopt(FileDescriptor fd) throws IOException {
        SocketTable table = network().table();
        Handle h = wrapped(fd, false);
        return (SocketChannel) construct(Constructors.SOCKET, family(table, h), take(fd), table.peerAddress(h));
    }

    /**
     * A listening wrapped socket as a blocking JDK {@link ServerSocketChannel} with its fake
     * address; accepted connections are wrapped sockets like any other.
     *
     * @throws IllegalArgumentException if {@code fd} is not a wrapped listening socket
     */
    public static ServerSocketChannel adoptServer(FileDescriptor fd) throws IOException {
        SocketTable table = network().table();
        Handle h = wrapped(fd, true);
        return (ServerSocketChannel) construct(Constructors.SERVER, family(table, h), take(fd), true);
    }

    private static Handle wrapped(FileDescriptor fd, boolean listener) {
        Handle h = network().handle(fd);
        if (h == null) {
            throw new IllegalArgumentException("fd " + UnixSockets.fdVal(fd) + " is not a wrapped socket of the"
                    + " fake network (not a socket, or received from a process outside the network)");
        }
        if (network().table().listener(h) != listener) {
            throw new IllegalArgumentException("fd " + UnixSockets.fdVal(fd) + " is " + h + ", a "
                    + (listener ? "connection: use adopt()" : "listening socket: use adoptServer()"));
        }
        return h;
    }

    private static ProtocolFamily family(SocketTable table, Handle h) {
        return table.ipv6(h) ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** A new FileDescriptor for the same descriptor; the caller's becomes invalid. */
    private static FileDescriptor take(FileDescriptor fd) {
        FileDescriptor mine = UnixSockets.newFd(UnixSockets.fdVal(fd));
        UnixSockets.invalidate(fd);
        return mine;
    }

    private static Object construct(MethodHandle ctor, ProtocolFamily family, FileDescriptor fd, Object last)
            throws IOException {
        try {
            return ctor.invoke(SelectorProvider.provider(), family, fd, last);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot wrap fd " + UnixSockets.fdVal(fd) + " in a JDK channel: " + t, t);
        }
    }

    /** The JDK's constructors for channels over an existing descriptor; looked up once the agent runs. */
    private static final class Constructors {
        static final MethodHandle SOCKET;
        static final MethodHandle SERVER;
        static final Class<?> SEL_CH_IMPL;
        static final MethodHandle GET_FD;

        static {
            try {
                Class<?> sc = Class.forName("sun.nio.ch.SocketChannelImpl");
                Class<?> ssc = Class.forName("sun.nio.ch.ServerSocketChannelImpl");
                SOCKET = MethodHandles.privateLookupIn(sc, MethodHandles.lookup()).findConstructor(sc,
                        MethodType.methodType(void.class, SelectorProvider.class, ProtocolFamily.class,
                                FileDescriptor.class, SocketAddress.class));
                SERVER = MethodHandles.privateLookupIn(ssc, MethodHandles.lookup()).findConstructor(ssc,
                        MethodType.methodType(void.class, SelectorProvider.class, ProtocolFamily.class,
                                FileDescriptor.class, boolean.class));
                SEL_CH_IMPL = Class.forName("sun.nio.ch.SelChImpl");
                GET_FD = MethodHandles.privateLookupIn(SEL_CH_IMPL, MethodHandles.lookup())
                        .findVirtual(SEL_CH_IMPL, "getFD", MethodType.methodType(FileDescriptor.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError("swrap-agent cannot reach the JDK's channel constructors"
                        + " (sun.nio.ch.SocketChannelImpl, ServerSocketChannelImpl) on Java " + Runtime.version()
                        + ": " + e);
            }
        }
    }

    private static FakeNetwork network() {
        FakeNetwork n = SocketHooks.network();
        if (n == null) {
            throw new IllegalStateException("swrap-agent is not active in this JVM: start it with"
                    + " -javaagent:swrap-agent.jar and SOCKET_WRAPPER_DIR set");
        }
        return n;
    }
}
