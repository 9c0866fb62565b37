package io.swrap.smb.prefork;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * A JDK socket channel's descriptor, to pass it, and a received descriptor as a JDK channel again. Under the
 * swrap agent (its {@code io.swrap.agent.api.WrappedSockets} on the boot class path) the agent's API does both,
 * so that a passed socket keeps its record in the fake network's table and the receiver becomes its owner;
 * without it the JDK's own channel classes do ({@code --add-exports java.base/sun.nio.ch} for the sender,
 * {@code --add-opens java.base/sun.nio.ch} for the receiver: the master starts its workers with it). The server
 * does not depend on the agent, so its API is reached by name.
 */
final class PassedSockets {
    private static final MethodHandle AGENT_FD;
    private static final MethodHandle AGENT_IS_WRAPPED;
    private static final MethodHandle AGENT_ADOPT;
    private static final MethodHandle AGENT_RECLAIM;

    static {
        MethodHandle fd = null;
        MethodHandle wrapped = null;
        MethodHandle adopt = null;
        MethodHandle reclaim = null;
        try {
            Class<?> api = Class.forName("io.swrap.agent.api.WrappedSockets", true, null); // the boot class path only
            MethodHandles.Lookup l = MethodHandles.lookup();
            fd = l.findStatic(api, "fileDescriptor", MethodType.methodType(FileDescriptor.class, NetworkChannel.class));
            wrapped = l.findStatic(api, "isWrapped", MethodType.methodType(boolean.class, FileDescriptor.class));
            adopt = l.findStatic(api, "adopt", MethodType.methodType(SocketChannel.class, FileDescriptor.class));
            reclaim = l.findStatic(api, "reclaimDeadOwners", MethodType.methodType(int.class));
        } catch (ClassNotFoundException e) {
            // no agent in this JVM: plain sockets
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("the swrap agent of this JVM has no usable WrappedSockets API: " + e);
        }
        AGENT_FD = fd;
        AGENT_IS_WRAPPED = wrapped;
        AGENT_ADOPT = adopt;
        AGENT_RECLAIM = reclaim;
    }

    private PassedSockets() {
    }

    /**
     * Under the agent: frees the socket-table records of dead processes (a killed worker's), so that the table
     * holds nothing of it once the master has seen it die; without the agent there is no table: 0.
     */
    static int reclaimDeadOwners() {
        if (AGENT_RECLAIM == null) {
            return 0;
        }
        try {
            return (int) AGENT_RECLAIM.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the swrap agent could not reclaim dead processes' sockets: " + t, t);
        }
    }

    /** The descriptor of {@code ch}, which keeps owning it. */
    static FileDescriptor descriptor(SocketChannel ch) throws IOException {
        try {
            if (AGENT_FD != null) {
                return (FileDescriptor) AGENT_FD.invoke((NetworkChannel) ch);
            }
            return (FileDescriptor) Jdk.GET_FD.invoke(ch);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot read the descriptor of " + ch + ": " + t, t);
        }
    }

    /**
     * A received connection as a blocking JDK channel; {@code remote} and {@code ipv6} (what the sender saw)
     * describe it when it is not a wrapped socket of the fake network.
     */
    static SocketChannel adopt(FileDescriptor fd, SocketAddress remote, boolean ipv6) throws IOException {
        try {
            if (AGENT_ADOPT != null && (boolean) AGENT_IS_WRAPPED.invoke(fd)) {
                return (SocketChannel) AGENT_ADOPT.invoke(fd);
            }
            ProtocolFamily family = ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            return (SocketChannel) Jdk.socketChannel().invoke(SelectorProvider.provider(), family, fd, remote);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot make a channel of the received descriptor: " + t, t);
        }
    }

    /** The JDK's channel internals, looked up on first use. */
    private static final class Jdk {
        static final MethodHandle GET_FD;

        static {
            try {
                Class<?> sel = Class.forName("sun.nio.ch.SelChImpl");
                GET_FD = MethodHandles.lookup().findVirtual(sel, "getFD",
                        MethodType.methodType(FileDescriptor.class)).asType(
                        MethodType.methodType(FileDescriptor.class, SocketChannel.class));
            } catch (ReflectiveOperationException | IllegalAccessError e) {
                throw new ExceptionInInitializerError("cannot read socket descriptors: run the JVM with --add-exports"
                        + " java.base/sun.nio.ch=ALL-UNNAMED (" + e + ")");
            }
        }

        static MethodHandle socketChannel() throws IOException {
            try {
                Class<?> sc = Class.forName("sun.nio.ch.SocketChannelImpl");
                return MethodHandles.privateLookupIn(sc, MethodHandles.lookup()).findConstructor(sc,
                        MethodType.methodType(void.class, SelectorProvider.class, ProtocolFamily.class,
                                FileDescriptor.class, SocketAddress.class));
            } catch (ReflectiveOperationException | IllegalAccessError e) {
                throw new IOException("cannot make a channel of a received socket: run the JVM with --add-opens"
                        + " java.base/sun.nio.ch=ALL-UNNAMED (" + e + ")", e);
            }
        }
    }
}
