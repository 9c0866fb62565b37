package io.swrap.agent.net;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.config.SwrapConfig;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import io.swrap.shm.ProcessId;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The semantics of wrapped stream sockets: every JDK inet stream socket is an AF_UNIX socket whose
 * name in the socket directory encodes its fake address, exactly as C socket_wrapper names it, so
 * Java and C processes meet in one network. Each method returns "not mine" (null, false, 0) for a
 * descriptor the agent did not wrap, and the JDK then does what it always does.
 */
public final class FakeNetwork {
    /** C's range for an explicit bind to port 0. */
    static final int EPHEMERAL_FIRST = 5001;
    static final int EPHEMERAL_LAST = 9999;
    /** C's range for autobind before connect. */
    static final int AUTOBIND_FIRST = 10000;
    static final int AUTOBIND_WRAP = 60000;
    /** The refusal the self-check's socket gets. */
    private static final String PROBE = "swrap-agent self-check: socket hook reached";

    private final AddressMap map;
    private final SocketTable table;
    private final Datagrams datagrams;
    private final Object autobindLock = new Object();
    private int autobindNext;
    /** The thread running {@link #checkHooks}, while it runs; null otherwise. */
    private volatile Thread prober;
    /** Whether the self-check's socket reached {@link #socket} (touched by the prober only). */
    private boolean probed;

    public FakeNetwork(SwrapConfig config) throws IOException {
        this(new AddressMap(config), SocketTable.open(config.dir(), config.maxSockets()));
    }

    FakeNetwork(AddressMap map, SocketTable table) {
        this.map = map;
        this.table = table;
        this.autobindNext = (int) (ProcessId.current() % 50000) + AUTOBIND_FIRST;
        this.datagrams = new Datagrams(this, map, table);
        table.sweepAtFirstLock(new Runnable() { // a class, not a method reference: no class spun before main
            @Override
            public void run() {
                sweepStaleNames();
            }
        });
    }

    /** The datagram (UDP) side of the network. */
    public Datagrams datagrams() {
        return datagrams;
    }

    public SocketTable table() {
        return table;
    }

    public AddressMap addressMap() {
        return map;
    }

    /** A new wrapped stream socket: an AF_UNIX fd that the channel keeps under its INET family. */
    public FileDescriptor socket(boolean server, boolean ipv6) throws IOException {
        if (Thread.currentThread() == prober) {
            probed = true;
            throw new SocketException(PROBE);
        }
        FileDescriptor fd = UnixSockets.socket();
        int fdv = UnixSockets.fdVal(fd);
        Handle h;
        try {
            h = table.create(fdv, server, ipv6);
        } catch (IOException | RuntimeException e) {
            try {
                UnixSockets.close(fdv);
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        if (SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_socket", "fd=" + fdv + " " + h + (server ? " listener" : " stream"));
        }
        return fd;
    }

    /** Binds a wrapped socket to the name of {@code address:port}; false if not wrapped. */
    public boolean bind(FileDescriptor fd, InetAddress address, int port) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        Handle h = table.get(fdv);
        if (h == null) {
            return false;
        }
        boolean stream = !table.datagram(h);
        if (!stream && port == 0 && address.isAnyLocalAddress() && datagrams.implicitBind()) {
            // C names an unbound UDP socket at its first send (autobind), from the destination's family
            return true;
        }
        boolean dualStack = stream && address instanceof Inet6Address && address.isAnyLocalAddress();
        SocketName name = port == 0
                ? bindEphemeral(fd, address, stream, dualStack)
                : bindNamed(fd, map.local(address, port, stream), address, port);
        if (dualStack) {
            try {
                DualStack.link(map.path(name), map.path(DualStack.twin(name)));
            } catch (IOException e) {
                // the IPv6 name must not outlive the failed bind: unlink it so the port stays free
                Files.deleteIfExists(map.path(name));
                throw e;
            }
        }
        InetSocketAddress local = address.isAnyLocalAddress()
                ? new InetSocketAddress(address, name.port())
                : map.inetAddress(name);
        table.bound(h, name, local, false);
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            SwrapLog.debug("swrap_bind", "fd=" + fdv + " " + local + " path=" + map.path(name));
        }
        return true;
    }

    private SocketName bindNamed(FileDescriptor fd, SocketName name, InetAddress address, int port)
            throws IOException {
        Path path = map.path(name);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (LiveSockets.isBound(path)) {
                throw new BindException("Address already in use: " + address.getHostAddress() + ":" + port
                        + " (" + path + " belongs to a live socket)");
            }
            Files.deleteIfExists(path);
            SwrapLog.debug("swrap_bind", "reclaimed stale " + path);
        }
        UnixSockets.bind(fd, path);
        return name;
    }

    private SocketName bindEphemeral(FileDescriptor fd, InetAddress address, boolean stream, boolean dualStack)
            throws IOException {
        SocketName base = map.local(address, 1, stream);
        for (int port = EPHEMERAL_FIRST; port <= EPHEMERAL_LAST; port++) {
            SocketName name = new SocketName(base.type(), base.iface(), port);
            if (dualStack && Files.exists(map.path(DualStack.twin(name)), LinkOption.NOFOLLOW_LINKS)) {
                continue; // the port must be free for IPv4 too
            }
            if (tryBindFree(fd, name)) {
                return name;
            }
        }
        throw new BindException("Address already in use: no free port in " + EPHEMERAL_FIRST + ".."
                + EPHEMERAL_LAST + " on " + map.hostAddress(base.ipv6(), base.iface()).getHostAddress()
                + " (the range C socket_wrapper uses for bind to port 0)");
    }

    /**
     * Binds to a name no file holds yet; false if taken. C stats the name first; bind(2) itself
     * fails with EADDRINUSE on any existing file, live or stale, so one syscall does both.
     */
    private boolean tryBindFree(FileDescriptor fd, SocketName name) throws IOException {
        Path path = map.path(name);
        try {
            UnixSockets.bind(fd, path);
            return true;
        } catch (BindException e) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Connects a wrapped socket: autobinds it to a named file first (the peer learns our address by
     * parsing that name), then connects to the destination's file. Returns 0 if not wrapped, else
     * the JDK's connect status (1, or IOStatus.UNAVAILABLE while a non-blocking connect is pending).
     */
    public int connect(FileDescriptor fd, InetAddress address, int port) throws IOException {
        int fdv = UnixSockets.fdVal(fd);
        Handle h = table.get(fdv);
        if (h == null) {
            return 0;
        }
        if (table.datagram(h)) {
            return datagrams.connect(fd, h, address, port);
        }
        SocketName dest = map.remote(address, port, true);
        if (table.boundName(h) == null) {
            autobind(fd, h, dest.ipv6(), true);
        }
        Path path = map.path(dest);
        int n;
        try {
            n = UnixSockets.connect(fd, path);
        } catch (ConnectException e) {
            throw e;
        } catch (SocketException e) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                // C says EHOSTUNREACH here; a Java program expects what a real TCP stack says
                throw new ConnectException("Connection refused");
            }
            throw e;
        }
        InetSocketAddress peer = map.inetAddress(dest);
        table.connected(h, peer);
        InetSocketAddress local = table.localAddress(h);
        if (local != null && local.getAddress().isAnyLocalAddress()) {
            // bound to 0.0.0.0 or :: before connect: Linux (and C) report the concrete source address
            table.localConcrete(h, map.inetAddress(table.boundName(h)));
        }
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            SwrapLog.debug("swrap_connect", "fd=" + fdv + " " + table.localAddress(h) + " -> " + peer);
        }
        return n;
    }

    /** Binds an unnamed socket to a free name of the default interface, from C's autobind port. */
    void autobind(FileDescriptor fd, Handle h, boolean ipv6, boolean stream) throws IOException {
        char type = AddressMap.type(ipv6, stream);
        int iface = map.defaultIface();
        synchronized (autobindLock) {
            int span = 0x10000 - AUTOBIND_FIRST;
            if (autobindNext > AUTOBIND_WRAP) {
                autobindNext = AUTOBIND_FIRST;
            }
            for (int i = 0; i < span; i++) {
                int port = AUTOBIND_FIRST + (autobindNext - AUTOBIND_FIRST + i) % span;
                SocketName name = new SocketName(type, iface, port);
                if (tryBindFree(fd, name)) {
                    autobindNext = port + 1;
                    table.bound(h, name, map.inetAddress(name), true);
                    if (SwrapLog.enabled(SwrapLog.TRACE)) {
                        SwrapLog.trace("swrap_auto_bind", "fd=" + UnixSockets.fdVal(fd) + " path=" + map.path(name));
                    }
                    return;
                }
            }
        }
        throw new SocketException("Too many open files in system: no free autobind port on "
                + map.hostAddress(ipv6, iface).getHostAddress() + " (ports " + AUTOBIND_FIRST + "..65535)");
    }

    /** The fake local address of a wrapped socket, adopting accepted ones; null if not wrapped. */
    public InetSocketAddress localAddress(FileDescriptor fd) throws IOException {
        Handle h = handleOrAdopt(UnixSockets.fdVal(fd));
        if (h == null) {
            return null;
        }
        InetSocketAddress local = table.localAddress(h);
        return local != null ? local : new InetSocketAddress(0);
    }

    /** The fake peer address of a wrapped socket; null if not wrapped. */
    public InetSocketAddress remoteAddress(FileDescriptor fd) throws IOException {
        Handle h = handleOrAdopt(UnixSockets.fdVal(fd));
        if (h == null) {
            return null;
        }
        InetSocketAddress peer = table.peerAddress(h);
        if (peer == null) {
            throw new SocketException("Transport endpoint is not connected");
        }
        return peer;
    }

    /** The wrapped socket of {@code fd}; null if not wrapped. */
    public Handle handle(FileDescriptor fd) {
        return table.get(UnixSockets.fdVal(fd));
    }

    /**
     * The record of {@code fd}, adopting a unix socket whose name lies in the socket directory (an
     * accepted connection shares its listener's name; a socket inherited or received from another
     * process is one of ours too).
     */
    public Handle handleOrAdopt(int fdv) throws IOException {
        Handle h = table.get(fdv);
        if (h != null) {
            return h;
        }
        String localPath = UnixSockets.localPath(fdv);
        if (localPath == null) {
            return null;
        }
        SocketName localName = SocketName.parse(localPath);
        if (localName == null || !map.dir().equals(Path.of(localPath).getParent())) {
            return null;
        }
        return adopt(fdv, localName);
    }

    /**
     * The record of {@code fdv}, just accepted from the listener {@code listenerFdv}: an accepted unix
     * socket's name is its listener's (a dual-stack twin link included), so a wrapped listener's record
     * names it without a getsockname; any other falls back to {@link #handleOrAdopt}.
     */
    public Handle adoptAccepted(int fdv, int listenerFdv) throws IOException {
        Handle h = table.get(fdv);
        if (h != null) {
            return h;
        }
        Handle listener = table.get(listenerFdv);
        SocketName localName = listener == null ? null : table.boundName(listener);
        return localName == null ? handleOrAdopt(fdv) : adopt(fdv, localName);
    }

    private Handle adopt(int fdv, SocketName localName) throws IOException {
        Handle h;
        String peerPath = UnixSockets.peerPath(fdv);
        SocketName peerName = SocketName.parse(peerPath);
        InetSocketAddress peer;
        if (peerName != null) {
            peer = map.inetAddress(peerName);
        } else {
            // C fails accept() here; a server loop is better served by a visible, harmless address
            peer = new InetSocketAddress(localName.ipv6() ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0);
            SwrapLog.error("swrap_accept", "fd=" + fdv + ": peer " + (peerPath == null ? "(unnamed)" : peerPath)
                    + " is not a socket_wrapper name; reporting " + peer);
        }
        if (localName.ipv6() && peerName != null && !peerName.ipv6()) {
            // an IPv4 client of a dual-stack listener: the JDK reports both ends as IPv4, as on Linux
            localName = new SocketName(AddressMap.type(false, localName.stream()), localName.iface(), localName.port());
        }
        InetSocketAddress local = map.inetAddress(localName);
        h = table.adopt(fdv, local, peer);
        if (SwrapLog.enabled(SwrapLog.DEBUG)) {
            SwrapLog.debug("swrap_accept", "fd=" + fdv + " " + local + " <- " + peer);
        }
        return h;
    }

    /**
     * Forgets a wrapped socket that is about to be closed; the last reference in the network
     * unlinks the name it held.
     */
    public void close(FileDescriptor fd) {
        int fdv = UnixSockets.fdVal(fd);
        if (fdv < 0) {
            return;
        }
        Handle h = table.release(fdv);
        if (h != null && SwrapLog.enabled(SwrapLog.TRACE)) {
            SwrapLog.trace("swrap_close", "fd=" + fdv + " " + h);
        }
    }

    /**
     * The start-up self-check, before {@code main}: opening a {@link SocketChannel} on this thread
     * must reach {@link #socket}, which refuses it, so no descriptor is made at all. That proves
     * the socket hook is in (fail closed) while the table's lock and the JDK's unix socket support
     * (whose initialisation seeds a {@code SecureRandom}) wait for the first real socket. The
     * channel comes from the JDK's own provider: {@link SocketChannel#open()} first looks for
     * providers on the class path, which opens every jar of the application (~150 ms CPU for the
     * selftest's 41 jars); an application pays that itself at its first channel, as without the agent.
     */
    public void checkHooks() {
        SelectorProvider provider;
        try {
            provider = (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get")
                    .invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("self-check: the JDK's sun.nio.ch.DefaultSelectorProvider.get() is not"
                    + " usable on Java " + Runtime.version() + ": " + e, e);
        }
        probed = false;
        prober = Thread.currentThread();
        try (SocketChannel ch = provider.openSocketChannel()) {
            throw new IllegalStateException("self-check: SocketChannel.open() made " + ch
                    + " without the agent: the socket hook is not in");
        } catch (IOException e) {
            if (!probed || !PROBE.equals(e.getMessage())) {
                throw new IllegalStateException("self-check: SocketChannel.open() failed without reaching the"
                        + " agent's socket hook: " + e, e);
            }
        } finally {
            prober = null;
        }
    }

    /** The stale-name sweep at the first locked section: a failure costs stale files (bind reclaims them), not wrapping. */
    private void sweepStaleNames() {
        try {
            int staleNames = reclaimStaleNames();
            if (staleNames > 0) {
                SwrapLog.debug("swrap_init", "unlinked " + staleNames + " socket files no open socket is bound to");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            SwrapLog.error("swrap_init", "cannot sweep the socket files no open socket is bound to in " + map.dir()
                    + ": " + e + "; check that the directory is readable (a bind to a stale name reclaims it anyway)");
        }
    }

    /**
     * Unlinks the socket files no open socket is bound to: left by a process killed between
     * binding a name (autobind, bind) and recording it in the table, or by C processes that
     * died. Run once, before this process's first locked section; a name bound meanwhile is live and stays.
     */
    public int reclaimStaleNames() throws IOException {
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(map.dir(), "[TUXY]??????")) {
            for (Path f : files) {
                if (SocketName.parse(f.getFileName().toString()) != null) {
                    names.add(f);
                }
            }
        }
        // read after listing: a name bound before the listing is in the kernel's list by now
        Set<String> live = LiveSockets.boundNames();
        int reclaimed = 0;
        for (Path f : names) {
            if (live.contains(f.getFileName().toString()) || DualStack.isLiveTwin(f)) {
                continue;
            }
            if (Files.deleteIfExists(f)) {
                reclaimed++;
                SwrapLog.debug("swrap_init", "reclaimed stale " + f);
            }
        }
        return reclaimed;
    }

    /** Drops this process's references (unlinking names no other process holds): the JVM exits. */
    public void unlinkAll() {
        table.releaseAll();
    }
}
