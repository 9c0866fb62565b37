package io.swrap.agent.pcap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A classic pcap file (magic 0xA1B2C3D4 in host order, v2.4, snaplen 0xFFFF, linktype 101 raw IP)
 * shared by every process of a network, as C socket_wrapper writes it. Each record goes out in one
 * {@code write(2)} on an O_APPEND descriptor, so records of many processes never interleave. The
 * first process creates the file with its header complete: written under a private name, then
 * hard-linked to the final name (link fails if the name exists), so no process ever appends to a
 * file whose header is missing.
 */
// Restricted FFM downcalls into glibc (open, write): the agent's JVMs run with --enable-native-access.
@SuppressWarnings("restricted")
public final class PcapFile {
    static final int MAGIC = 0xA1B2C3D4;
    static final int SNAPLEN = 0xFFFF;
    static final int LINKTYPE_RAW = 101;
    static final int HEADER_SIZE = 24;
    /** Size of a record's header (ts_sec, ts_usec, incl_len, orig_len). */
    static final int RECORD_HEADER = 16;

    private static final int O_WRONLY = 1;
    private static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final MethodHandle OPEN;
    private static final MethodHandle WRITE;

    static {
        Linker linker = Linker.nativeLinker();
        OPEN = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        // critical: write(2) of a regular file is short, and may then read the Java byte[] in place
        WRITE = linker.downcallHandle(linker.defaultLookup().find("write").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG), Linker.Option.critical(true));
    }

    private final Path path;
    private final int fd;

    private PcapFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code path} for appending, creating it with its header if no process has yet. */
    public static PcapFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            Path tmp = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".new");
            Files.write(tmp, header());
            try {
                Files.createLink(path, tmp);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: append to that one
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(a.allocateFrom(path.toString()), O_WRONLY | O_APPEND | O_CLOEXEC);
        } catch (Throwable t) {
            throw new IOException("cannot open pcap file " + path + ": " + t, t);
        }
        if (fd < 0) {
            throw new IOException("cannot open pcap file " + path + " for appending (SOCKET_WRAPPER_PCAP_FILE):"
                    + " check that its directory exists and is writable");
        }
        return new PcapFile(path, fd);
    }

    static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_RAW);
        return b.array();
    }

    public Path path() {
        return path;
    }

    /** Appends one complete record (header included) in a single write(2); false if it failed. */
    boolean append(byte[] record, int length) {
        try {
            long n = (long) WRITE.invokeExact(fd, MemorySegment.ofArray(record), (long) length);
            return n == length;
        } catch (Throwable t) {
            return false;
        }
    }
}
