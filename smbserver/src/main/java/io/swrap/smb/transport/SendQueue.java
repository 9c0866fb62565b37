package io.swrap.smb.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * The kernel's send queue of a socket: {@code ioctl(fd, SIOCOUTQ)} through FFM. For TCP it counts the
 * bytes not yet acknowledged by the peer; for a unix stream socket (what a socket_wrapper network is
 * made of) the memory of the messages the peer has not read yet, which is 0 exactly when the peer has
 * read everything and otherwise over-counts (so it never reports data as taken that is not).
 */
// Restricted (the FFM ioctl): the server runs with --enable-native-access (scripts/smbserver, the tests).
@SuppressWarnings("restricted")
public final class SendQueue {
    private static final long SIOCOUTQ = 0x5411; // TIOCOUTQ, <linux/sockios.h>
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle IOCTL;
    private static final Method FD_VAL;
    private static final Method JAVA_CHANNEL;

    static {
        Linker linker = Linker.nativeLinker();
        IOCTL = linker.downcallHandle(linker.defaultLookup().find("ioctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
        try {
            JAVA_CHANNEL = io.netty.channel.nio.AbstractNioChannel.class.getDeclaredMethod("javaChannel");
            JAVA_CHANNEL.setAccessible(true);
            FD_VAL = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SendQueue() {
    }

    /**
     * The file descriptor of a Netty NIO socket channel.
     *
     * @throws IllegalStateException when the JVM was started without
     *     {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, or the channel is not NIO
     */
    public static int fd(io.netty.channel.Channel ch) {
        if (!(ch instanceof io.netty.channel.nio.AbstractNioChannel)) {
            throw new IllegalStateException("channel " + ch + " is not a Netty NIO channel: its send queue is unknown");
        }
        try {
            SocketChannel sc = (SocketChannel) JAVA_CHANNEL.invoke(ch);
            return (int) FD_VAL.invoke(sc);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("reading a socket's file descriptor needs the JVM option"
                    + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED: " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("reading the file descriptor of " + ch + " failed", e.getCause());
        }
    }

    /** Bytes in {@code fd}'s send queue (see the class comment for what they mean). */
    public static int unsent(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) IOCTL.invokeExact(state, fd, SIOCOUTQ, out);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("ioctl(" + fd + ", SIOCOUTQ) failed: errno " + errno);
            }
            return out.get(ValueLayout.JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl(" + fd + ", SIOCOUTQ) failed", t);
        }
    }

    /**
     * Checks once, at start-up, that this JVM can read send queues; the error says how to start it.
     *
     * @throws IllegalStateException naming the missing JVM options
     */
    public static void checkAvailable() {
        if (!SendQueue.class.getModule().canRead(Object.class.getModule())
                || !Object.class.getModule().isExported("sun.nio.ch", SendQueue.class.getModule())) {
            throw new IllegalStateException("multichannel break delivery reads the sockets' send queues: start the"
                    + " JVM with --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED"
                    + " (or set 'server multi channel support = no')");
        }
    }
}
