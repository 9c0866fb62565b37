package io.swrap.agent.faults;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.table.SocketTable;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Faults injected from outside the processes ({@code swrap link|kill|blackhole}, {@link
 * io.swrap.agent.api.SwrapNetwork}), honoured by this process. A connection's faults are bits of
 * its record in the shared table; the read and write paths load them once and come here only when
 * one is set:
 * <ul>
 * <li>{@link #BLACKHOLE} and {@link #LINK_DOWN}: nothing is delivered. A write on a blocking
 * socket waits (polling every {@value #POLL_MS} ms) until the fault is cleared; on a non-blocking
 * one it writes nothing (0) after a {@value #POLL_MS} ms pause — a selector then reports it
 * writable again, so an event loop retries about 100 times a second instead of spinning. Reads
 * behave the same way (a non-blocking read answers "no data", status UNAVAILABLE). Since the
 * control side sets the fault on both ends of a connection between wrapped sockets, data stops
 * both ways; bytes already in the unix socket's buffer when the fault is set stay there until it
 * is cleared.</li>
 * <li>{@link #RESET}: this process's watcher thread ({@value #WATCH_MS} ms period) shuts the
 * descriptor down both ways, which wakes a read blocked in the kernel and any selector; the next
 * read or write then throws {@code SocketException: Connection reset}, as ECONNRESET would.</li>
 * <li>An interface down is also listed in {@code swrap.links.down} in the socket directory (absent
 * when none is): a connect from or to that interface fails with {@code NoRouteToHostException}
 * (EHOSTUNREACH). A process reads the file again only when the table's links generation moved,
 * which the writer bumps after each rewrite: a connect costs one memory read.</li>
 * </ul>
 */
// Restricted FFM downcalls into glibc (shutdown, poll): the agent's JVMs run with --enable-native-access.
@SuppressWarnings("restricted")
public final class Faults {
    public static final int BLACKHOLE = 1;
    public static final int LINK_DOWN = 1 << 1;
    public static final int RESET = 1 << 2;
    static final int POLL_MS = 10;
    static final int WATCH_MS = 100;
    static final String LINKS_FILE = "swrap.links.down";
    /** sun.nio.ch.IOStatus.UNAVAILABLE. */
    public static final int UNAVAILABLE = -2;

    private static final int F_GETFL = 3;
    private static final int O_NONBLOCK = 04000;
    private static final int SHUT_RDWR = 2;
    /*
     * Each downcall linked on first use: the JDK's linker costs ~90 ms on first use, and the
     * watcher's class is loaded before main in every JVM, most of which never see a fault.
     */
    private static final class Fcntl {
        static final MethodHandle FCNTL = downcall("fcntl");
    }

    private static final class Shutdown {
        static final MethodHandle SHUTDOWN = downcall("shutdown");
    }

    private static MethodHandle downcall(String function) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(function).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private Faults() {
    }

    /** The file naming the interfaces that are down, one number a line; absent when none is. */
    public static Path linksFile(Path dir) {
        return dir.resolve(LINKS_FILE);
    }

    /** The interfaces that are down (empty when none is: one failed stat). */
    public static java.util.Set<Integer> linksDown(Path dir) throws IOException {
        java.util.Set<Integer> down = new java.util.TreeSet<>();
        try {
            for (String line : Files.readAllLines(linksFile(dir))) {
                if (!line.isBlank()) {
                    down.add(Integer.parseInt(line.strip()));
                }
            }
        } catch (java.nio.file.NoSuchFileException none) {
            return down;
        }
        return down;
    }

    /** Starts this process's watcher, which shuts down the descriptors of reset connections. */
    public static void startWatcher(SocketTable table) {
        Thread t = new Thread(new Runnable() { // a class, not a lambda: no class spun before main
            @Override
            public void run() {
                watch(table);
            }
        }, "swrap-faults");
        t.setDaemon(true);
        t.start();
    }

    private static void watch(SocketTable table) {
        while (true) {
            try {
                Thread.sleep(WATCH_MS);
            } catch (InterruptedException e) {
                return;
            }
            for (int fd : table.descriptorsWith(RESET)) {
                try {
                    int rc = (int) Shutdown.SHUTDOWN.invokeExact(fd, SHUT_RDWR);
                    if (rc == 0 && SwrapLog.enabled(SwrapLog.DEBUG)) {
                        SwrapLog.debug("swrap_fault", "fd=" + fd + " reset from outside: shut down both ways");
                    }
                } catch (Throwable e) {
                    SwrapLog.error("swrap_fault", "fd=" + fd + ": shutdown failed: " + e);
                }
            }
        }
    }

    /** This process's copy of {@code swrap.links.down}: the directory, and the table generation it was read at. */
    private static final class LinksRead {
        final Path dir;
        final int generation;
        final java.util.Set<Integer> down;

        LinksRead(Path dir, int generation, java.util.Set<Integer> down) {
            this.dir = dir;
            this.generation = generation;
            this.down = down;
        }
    }

    /** Null until this process's first connect. */
    private static volatile LinksRead links;

    /**
     * A connect from {@code localIface} to {@code destIface}: refused while either interface is down.
     * The file is read again only when the table's links generation moved (its writer,
     * {@code SwrapNetwork.Link}, bumps it after each rewrite): a connect costs a memory read, not a stat.
     */
    public static void checkConnect(Path dir, SocketTable table, int localIface, int destIface, String dest)
            throws IOException {
        int generation = table.linksGeneration(); // before the file: a rewrite after this is seen next time
        LinksRead read = links;
        if (read == null || read.generation != generation || read.dir != dir) { // the agent passes one Path
            read = new LinksRead(dir, generation, Files.exists(linksFile(dir), LinkOption.NOFOLLOW_LINKS)
                    ? linksDown(dir) : java.util.Set.of());
            links = read;
        }
        java.util.Set<Integer> down = read.down;
        if (down.isEmpty()) {
            return;
        }
        for (int iface : new int[] {destIface, localIface}) {
            if (down.contains(iface)) {
                throw new NoRouteToHostException("No route to host: " + dest + ": fake interface " + iface
                        + " is down (" + linksFile(dir) + "; swrap link " + dir + " " + iface + " up)");
            }
        }
    }

    /**
     * Before a read or write of a socket whose record has {@code faults}: throws on RESET; waits
     * while blackholed if the descriptor blocks; true when a non-blocking call must report nothing.
     */
    public static boolean stall(int fd, SocketTable table, io.swrap.agent.table.Handle h, int faults) throws IOException {
        if ((faults & RESET) != 0) {
            throw reset();
        }
        boolean nonBlocking = nonBlocking(fd);
        while ((faults & (BLACKHOLE | LINK_DOWN)) != 0) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SocketException("interrupted while the connection is blackholed");
            }
            if (nonBlocking) {
                return true;
            }
            faults = table.faults(h);
            if ((faults & RESET) != 0) {
                throw reset();
            }
        }
        return false;
    }

    public static SocketException reset() {
        return new SocketException("Connection reset");
    }

    /** Whether descriptor {@code fd} is non-blocking (O_NONBLOCK): one fcntl; false if that fails. */
    public static boolean nonBlocking(int fd) {
        try {
            int fl = (int) Fcntl.FCNTL.invokeExact(fd, F_GETFL);
            return fl >= 0 && (fl & O_NONBLOCK) != 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
