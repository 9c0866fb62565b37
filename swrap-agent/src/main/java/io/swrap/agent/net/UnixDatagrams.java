package io.swrap.agent.net;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * AF_UNIX datagram sockets through FFM: the JDK has unix stream sockets only. sendmsg and recvmsg
 * carry the peer's {@code sockaddr_un}; the data stays in the caller's native memory (the direct
 * buffer or iovec array the JDK already prepared), so nothing is copied.
 *
 * <p>Results follow the JDK's {@code IOStatus} convention: bytes transferred, or
 * {@link #UNAVAILABLE} (EAGAIN) or {@link #INTERRUPTED} (EINTR, e.g. the JDK's signal to a thread
 * blocked in a channel being closed); any other error is a negative errno, for the caller to judge.
 */
// Restricted FFM downcalls into glibc: the agent's JVMs run with --enable-native-access; the descriptors match glibc's.
@SuppressWarnings("restricted")
public final class UnixDatagrams {
    public static final int UNAVAILABLE = -2;
    public static final int INTERRUPTED = -3;

    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EPERM = 1;
    public static final int EACCES = 13;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ECONNREFUSED = 111;

    /** For a broadcast copy: one receiver whose queue is full must not stall the sender. Also recvmsg's. */
    public static final int MSG_DONTWAIT = 0x40;

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final long SOCKADDR_UN_SIZE = 110;

    // struct msghdr and struct iovec on LP64 Linux
    private static final long MSG_NAME = 0;
    private static final long MSG_NAMELEN = 8;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    private static final long MSGHDR_SIZE = 56;
    private static final long IOVEC_SIZE = 16;

    private static final long SCRATCH_MSGHDR = 0;
    private static final long SCRATCH_IOVEC = 64;
    private static final long SCRATCH_NAME = 80;
    private static final long SCRATCH_ERRNO = 192;

    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDMSG;
    private static final MethodHandle RECVMSG;
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final long SCRATCH_SIZE = SCRATCH_ERRNO + CAPTURE.byteSize();

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SOCKET = linker.downcallHandle(linker.defaultLookup().find("socket").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT), errno);
        FunctionDescriptor msg = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
        SENDMSG = linker.downcallHandle(linker.defaultLookup().find("sendmsg").orElseThrow(), msg, errno);
        RECVMSG = linker.downcallHandle(linker.defaultLookup().find("recvmsg").orElseThrow(), msg, errno);
    }

    /**
     * One msghdr, iovec, sockaddr_un and errno slot per thread: no allocation per datagram. A
     * thread is inside at most one call at a time, and nothing here survives the call.
     */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_SIZE, 8));

    private UnixDatagrams() {
    }

    /** A new AF_UNIX SOCK_DGRAM socket (close-on-exec, as the JDK makes its sockets). */
    public static FileDescriptor socket() throws IOException {
        MemorySegment s = SCRATCH.get();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(s.asSlice(SCRATCH_ERRNO), AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: " + t, t);
        }
        if (fd < 0) {
            throw new SocketException("socket(AF_UNIX, SOCK_DGRAM) failed: " + errnoText(errno(s)));
        }
        return UnixSockets.newFd(fd);
    }

    /** sendmsg of {@code len} bytes at native address {@code address} to the socket at {@code path}. */
    public static long sendTo(int fd, long address, long len, byte[] path, int flags) {
        MemorySegment s = SCRATCH.get();
        MemorySegment iov = s.asSlice(SCRATCH_IOVEC, IOVEC_SIZE);
        iov.set(ValueLayout.JAVA_LONG, 0, address);
        iov.set(ValueLayout.JAVA_LONG, 8, len);
        return sendMsg(s, fd, iov.address(), 1, path, flags);
    }

    /** sendmsg of the {@code count} iovecs at {@code iovAddress} (the JDK's gathering write). */
    public static long sendVector(int fd, long iovAddress, int count, byte[] path, int flags) {
        return sendMsg(SCRATCH.get(), fd, iovAddress, count, path, flags);
    }

    private static long sendMsg(MemorySegment s, int fd, long iov, int count, byte[] path, int flags) {
        MemorySegment name = s.asSlice(SCRATCH_NAME, SOCKADDR_UN_SIZE);
        name.fill((byte) 0);
        name.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(MemorySegment.ofArray(path), 0, name, 2, path.length); // no type switch: Records.setAddress
        MemorySegment hdr = header(s, iov, count, 2 + path.length + 1);
        long n;
        try {
            n = (long) SENDMSG.invokeExact(s.asSlice(SCRATCH_ERRNO), fd, hdr, flags);
        } catch (Throwable t) {
            throw new IllegalStateException("sendmsg(" + fd + ") downcall failed: " + t, t);
        }
        return n >= 0 ? n : status(errno(s));
    }

    /** recvmsg into {@code len} bytes at {@code address}; the sender's path is then {@link #senderPath}. */
    public static long receive(int fd, long address, long len) {
        return receive(fd, address, len, 0);
    }

    /** {@link #receive(int, long, long)} with recvmsg flags ({@link #MSG_DONTWAIT}). */
    public static long receive(int fd, long address, long len, int flags) {
        MemorySegment s = SCRATCH.get();
        MemorySegment iov = s.asSlice(SCRATCH_IOVEC, IOVEC_SIZE);
        iov.set(ValueLayout.JAVA_LONG, 0, address);
        iov.set(ValueLayout.JAVA_LONG, 8, len);
        return recvMsg(s, fd, iov.address(), 1, flags);
    }

    /** recvmsg into the {@code count} iovecs at {@code iovAddress} (the JDK's scattering read). */
    public static long receiveVector(int fd, long iovAddress, int count) {
        return recvMsg(SCRATCH.get(), fd, iovAddress, count, 0);
    }

    private static long recvMsg(MemorySegment s, int fd, long iov, int count, int flags) {
        MemorySegment hdr = header(s, iov, count, (int) SOCKADDR_UN_SIZE);
        s.asSlice(SCRATCH_NAME, SOCKADDR_UN_SIZE).fill((byte) 0);
        long n;
        try {
            n = (long) RECVMSG.invokeExact(s.asSlice(SCRATCH_ERRNO), fd, hdr, flags);
        } catch (Throwable t) {
            throw new IllegalStateException("recvmsg(" + fd + ") downcall failed: " + t, t);
        }
        return n >= 0 ? n : status(errno(s));
    }

    /**
     * The path the last {@link #receive} of this thread came from; null if the sender was unnamed
     * (an unbound socket: no socket_wrapper process sends from one).
     */
    public static String senderPath() {
        MemorySegment s = SCRATCH.get();
        int len = (int) Math.min(s.get(ValueLayout.JAVA_INT, SCRATCH_MSGHDR + MSG_NAMELEN), SOCKADDR_UN_SIZE);
        MemorySegment name = s.asSlice(SCRATCH_NAME, SOCKADDR_UN_SIZE);
        if (len <= 2 || name.get(ValueLayout.JAVA_SHORT, 0) != AF_UNIX) {
            return null;
        }
        byte[] path = name.asSlice(2, len - 2).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < path.length && path[end] != 0) {
            end++;
        }
        return end == 0 ? null : new String(path, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * The socket_wrapper name the last {@link #receive} of this thread came from, if the sender's
     * path is {@code dirPrefix} followed by a name; null otherwise (then see {@link #senderPath}).
     */
    public static SocketName senderName(byte[] dirPrefix) {
        MemorySegment s = SCRATCH.get();
        int len = (int) Math.min(s.get(ValueLayout.JAVA_INT, SCRATCH_MSGHDR + MSG_NAMELEN), SOCKADDR_UN_SIZE);
        MemorySegment name = s.asSlice(SCRATCH_NAME, SOCKADDR_UN_SIZE);
        int pathLen = dirPrefix.length + SocketName.LENGTH;
        if (len < 2 + pathLen || name.get(ValueLayout.JAVA_SHORT, 0) != AF_UNIX
                || (len > 2 + pathLen && name.get(ValueLayout.JAVA_BYTE, 2 + pathLen) != 0)) {
            return null;
        }
        for (int i = 0; i < dirPrefix.length; i++) {
            if (name.get(ValueLayout.JAVA_BYTE, 2 + i) != dirPrefix[i]) {
                return null;
            }
        }
        char[] file = new char[SocketName.LENGTH];
        for (int i = 0; i < file.length; i++) {
            file[i] = (char) (name.get(ValueLayout.JAVA_BYTE, 2 + dirPrefix.length + i) & 0xff);
        }
        return SocketName.parse(new String(file));
    }

    private static MemorySegment header(MemorySegment s, long iov, int count, int nameLen) {
        MemorySegment hdr = s.asSlice(SCRATCH_MSGHDR, MSGHDR_SIZE);
        hdr.set(ValueLayout.JAVA_LONG, MSG_NAME, s.asSlice(SCRATCH_NAME).address());
        hdr.set(ValueLayout.JAVA_INT, MSG_NAMELEN, nameLen);
        hdr.set(ValueLayout.JAVA_LONG, MSG_IOV, iov);
        hdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, count);
        hdr.set(ValueLayout.JAVA_LONG, MSG_CONTROL, 0);
        hdr.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, 0);
        hdr.set(ValueLayout.JAVA_INT, MSG_FLAGS, 0);
        return hdr;
    }

    private static int errno(MemorySegment s) {
        return (int) ERRNO.get(s.asSlice(SCRATCH_ERRNO), 0L);
    }

    private static long status(int errno) {
        return switch (errno) {
            case EAGAIN -> UNAVAILABLE;
            case EINTR -> INTERRUPTED;
            default -> -1000L - errno;
        };
    }

    /** The errno of a result below {@link #INTERRUPTED}. */
    public static int errnoOf(long result) {
        return (int) (-1000L - result);
    }

    /** The strerror text of the errors a datagram socket meets; a number for the rest. */
    public static String errnoText(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EACCES -> "Permission denied";
            case EMSGSIZE -> "Message too long";
            case EPROTOTYPE -> "Protocol wrong type for socket";
            case ECONNRESET -> "Connection reset by peer";
            case ENOTCONN -> "Transport endpoint is not connected";
            case ECONNREFUSED -> "Connection refused";
            case 9 -> "Bad file descriptor";
            case 24 -> "Too many open files";
            case 105 -> "No buffer space available";
            default -> "errno " + errno;
        };
    }
}
