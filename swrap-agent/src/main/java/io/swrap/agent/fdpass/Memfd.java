package io.swrap.agent.fdpass;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The descriptor that travels with passed sockets: an anonymous memory file named
 * {@value #NAME} ({@code memfd_create(2)}) holding a {@link PassMessage}.
 *
 * <p>Not a pipe, as C socket_wrapper uses: a receiver can only tell a pipe of ours from one the
 * program passes on purpose by reading it, which would eat the program's data. A memfd carries
 * its name ({@code /proc/self/fd/N -> /memfd:swrap-fdpass (deleted)}) and is read with
 * {@code pread}, so anything that is not ours passes through untouched.
 */
final class Memfd {
    static final String NAME = "swrap-fdpass";
    private static final String LINK = "/memfd:" + NAME + " (deleted)";
    private static final int MFD_CLOEXEC = 1;
    /** A message is a few bytes per socket; anything larger is not ours. */
    static final int MAX_SIZE = 1 << 16;

    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MEMFD_CREATE;
    private static final MethodHandle WRITE;
    private static final MethodHandle PREAD;

    static {
        MEMFD_CREATE = libc("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        WRITE = libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        PREAD = libc("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    // Restricted: the agent's JVMs run with --enable-native-access; the descriptors match glibc's.
    @SuppressWarnings("restricted")
    private static MethodHandle libc(String symbol, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        return linker.downcallHandle(libc.find(symbol).orElseThrow(() -> new UnsupportedOperationException(
                "swrap-agent: " + symbol + " not found in the C library (expected glibc >= 2.27)")), descriptor, ERRNO);
    }

    private Memfd() {
    }

    /** A new memfd holding {@code content}; the caller closes it once sent. */
    static int create(byte[] content) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) MEMFD_CREATE.invokeExact(errno, arena.allocateFrom(NAME), MFD_CLOEXEC);
            if (fd < 0) {
                throw new IOException("memfd_create(\"" + NAME + "\") failed: errno " + errno(errno));
            }
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, content);
            long n = (long) WRITE.invokeExact(errno, fd, buf, (long) content.length);
            if (n != content.length) {
                int err = errno(errno);
                io.swrap.agent.net.UnixSockets.close(fd);
                throw new IOException("write of " + content.length + " bytes to a memfd wrote " + n + ": errno " + err);
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("memfd_create failed: " + t, t);
        }
    }

    /** Whether {@code fd} is a memfd made by {@link #create} (in this process or another). */
    static boolean isOurs(int fd) throws IOException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().equals(LINK);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The whole content, read from offset 0 without moving the file offset. */
    static byte[] read(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment buf = arena.allocate(MAX_SIZE);
            long total = 0;
            while (total < MAX_SIZE) {
                long n = (long) PREAD.invokeExact(errno, fd, buf.asSlice(total), MAX_SIZE - total, total);
                if (n < 0) {
                    throw new IOException("pread of memfd " + fd + " failed: errno " + errno(errno));
                }
                if (n == 0) {
                    break;
                }
                total += n;
            }
            return buf.asSlice(0, total).toArray(ValueLayout.JAVA_BYTE);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("pread of memfd " + fd + " failed: " + t, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_VALUE.get(state, 0L);
    }
}
