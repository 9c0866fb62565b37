package io.swrap.agent.net;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The AF_UNIX operations behind every wrapped socket. Socket, bind and connect use the JDK's own
 * {@code sun.nio.ch.UnixDomainSockets} (same errno-to-exception mapping as any JDK channel); the
 * JDK has no getpeername for unix sockets, so the names of a socket come from libc through FFM.
 */
// Restricted FFM downcalls into glibc: the agent's JVMs run with --enable-native-access; the descriptors match glibc's.
@SuppressWarnings("restricted")
public final class UnixSockets {
    private static final int AF_UNIX = 1;
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle CONNECT;
    private static final VarHandle FD;
    /** struct stat: 144 bytes on x86_64, 128 on aarch64; st_ino at 8 on both, st_mode at 24 or 16. */
    private static final long STAT_SIZE = 256;
    private static final long ST_INO_OFFSET = 8;
    private static final long ST_MODE_OFFSET = "aarch64".equals(System.getProperty("os.arch")) ? 16 : 24;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    static {
        try {
            // found, not initialised: its initialisation (a SecureRandom seeded) waits for the first socket
            Class<?> uds = Class.forName("sun.nio.ch.UnixDomainSockets", false, UnixSockets.class.getClassLoader());
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(uds, MethodHandles.lookup());
            SOCKET = l.findStatic(uds, "socket", MethodType.methodType(FileDescriptor.class));
            BIND = l.findStatic(uds, "bind", MethodType.methodType(void.class, FileDescriptor.class, Path.class));
            CONNECT = l.findStatic(uds, "connect",
                    MethodType.methodType(int.class, FileDescriptor.class, Path.class));
            FD = MethodHandles.privateLookupIn(FileDescriptor.class, MethodHandles.lookup())
                    .findVarHandle(FileDescriptor.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("swrap-agent cannot reach the JDK's unix socket support"
                    + " (sun.nio.ch.UnixDomainSockets, java.io.FileDescriptor.fd) on Java "
                    + Runtime.version() + ": " + e);
        }
    }

    /*
     * The libc calls, each linked on first use: linking a downcall spins classes (~15 ms each at
     * start-up), and a JVM that never asks for a socket's names should not pay for them. They are
     * plain libc functions; a platform without them fails the first call that needs one.
     */
    private static final class Names {
        private static final FunctionDescriptor NAME_FN = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        static final MethodHandle GETSOCKNAME = downcall("getsockname", NAME_FN);
        static final MethodHandle GETPEERNAME = downcall("getpeername", NAME_FN);
    }

    private static final class Close {
        static final MethodHandle CLOSE = downcall("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private static final class Fstat {
        static final MethodHandle FSTAT = downcall("fstat",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private static final class Unlink {
        static final MethodHandle UNLINK = downcall("unlink",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private static MethodHandle downcall(String function, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(function).orElseThrow(
                () -> new IllegalStateException("libc has no " + function)), descriptor);
    }

    private UnixSockets() {
    }

    /** Finds the JDK's unix socket support now, so that a JDK without it fails at start-up, not at first use. */
    public static void init() {
    }

    public static int fdVal(FileDescriptor fd) {
        return (int) FD.getVolatile(fd);
    }

    /** A new FileDescriptor object for descriptor number {@code fd}. */
    public static FileDescriptor newFd(int fd) {
        FileDescriptor d = new FileDescriptor();
        FD.setVolatile(d, fd);
        return d;
    }

    /** Makes {@code fd} invalid without closing the descriptor: another object owns it now. */
    public static void invalidate(FileDescriptor fd) {
        FD.setVolatile(fd, -1);
    }

    /**
     * The inode of the socket behind descriptor {@code fd} (what {@code /proc/PID/fd/N -> socket:[N]}
     * shows), which identifies one socket across processes; -1 if it is not a socket. fstat(2)
     * rather than readlink: it is on the path of every socket creation.
     */
    public static long inode(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STAT_SIZE, 8);
            int rc = (int) Fstat.FSTAT.invokeExact(fd, st);
            if (rc != 0) {
                return -1;
            }
            int mode = st.get(ValueLayout.JAVA_INT, ST_MODE_OFFSET);
            return (mode & S_IFMT) == S_IFSOCK ? st.get(ValueLayout.JAVA_LONG, ST_INO_OFFSET) : -1;
        } catch (Throwable t) {
            throw new IOException("fstat(" + fd + ") failed: " + t, t);
        }
    }

    /** close(2) of a descriptor no JDK object owns. */
    public static void close(int fd) throws IOException {
        int rc;
        try {
            rc = (int) Close.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IOException("close(" + fd + ") failed: " + t, t);
        }
        if (rc != 0) {
            throw new IOException("close(" + fd + ") failed (not an open descriptor?)");
        }
    }

    public static FileDescriptor socket() throws IOException {
        try {
            return (FileDescriptor) SOCKET.invokeExact();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static void bind(FileDescriptor fd, Path path) throws IOException {
        try {
            BIND.invokeExact(fd, path);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Returns 1 when connected, or IOStatus.UNAVAILABLE (-2) for a non-blocking connect in progress. */
    public static int connect(FileDescriptor fd, Path path) throws IOException {
        try {
            return (int) CONNECT.invokeExact(fd, path);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** The path this unix socket is bound to; null if unnamed, not a unix socket or not a socket. */
    public static String localPath(int fd) throws SocketException {
        return name(Names.GETSOCKNAME, "getsockname", fd);
    }

    /** The path the peer of this unix socket is bound to; null if unnamed, unconnected or not unix. */
    public static String peerPath(int fd) throws SocketException {
        return name(Names.GETPEERNAME, "getpeername", fd);
    }

    /** sun_path's size: a socket file's path, with its NUL, never needs more. */
    private static final int SUN_PATH_SIZE = SOCKADDR_UN_SIZE - 2;
    /** A NUL-terminated path per thread: no arena per close. */
    private static final ThreadLocal<MemorySegment> PATH = new ThreadLocal<>() {
        @Override
        protected MemorySegment initialValue() { // a class, not a lambda: this class loads before main
            return Arena.ofAuto().allocate(SUN_PATH_SIZE, 1);
        }
    };

    /**
     * unlink(2) of a socket file: one system call, where {@code Files.deleteIfExists} first stats
     * the path (to choose between unlink and rmdir) — this is on the close of every named socket.
     * False if it did not unlink (absent, an error, a path too long for a socket): the caller
     * then asks {@code Files.deleteIfExists}, which reports the reason.
     */
    public static boolean unlink(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_SIZE) {
            return false;
        }
        MemorySegment buf = PATH.get();
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buf, 0, bytes.length); // no type switch: Records.setAddress
        buf.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        try {
            return (int) Unlink.UNLINK.invokeExact(buf) == 0;
        } catch (Throwable t) {
            return false; // the caller's Files.deleteIfExists does the work and reports its failure
        }
    }

    /** A sockaddr_un plus its length word per thread: no arena per accepted connection. */
    private static final ThreadLocal<MemorySegment> BUFFER = new ThreadLocal<>() {
        @Override
        protected MemorySegment initialValue() {
            return Arena.ofAuto().allocate(SOCKADDR_UN_SIZE + 4L, 8);
        }
    };

    private static String name(MethodHandle call, String what, int fd) throws SocketException {
        try {
            MemorySegment buf = BUFFER.get();
            MemorySegment len = buf.asSlice(0, 4);
            MemorySegment addr = buf.asSlice(4, SOCKADDR_UN_SIZE);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_UN_SIZE);
            int rc = (int) call.invokeExact(fd, addr, len);
            if (rc != 0) {
                return null; // not a socket, or (getpeername) not connected: neither is a wrapped name
            }
            int n = Math.min(len.get(ValueLayout.JAVA_INT, 0), SOCKADDR_UN_SIZE);
            if (n <= 2 || addr.get(ValueLayout.JAVA_SHORT, 0) != AF_UNIX) {
                return null;
            }
            byte[] path = addr.asSlice(2, n - 2).toArray(ValueLayout.JAVA_BYTE);
            int end = 0;
            while (end < path.length && path[end] != 0) {
                end++;
            }
            return end == 0 ? null : new String(path, 0, end, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw new SocketException(what + "(fd " + fd + ") failed: " + t);
        }
    }
}
