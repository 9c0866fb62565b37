package io.swrap.smb.prefork;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.ShmRecords;
import io.swrap.smb.state.ServerState;
import io.swrap.smb.state.SharedSessions;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The master of multi-process mode: starts {@code prefork children} worker JVMs (this JVM's java, flags and
 * class path: under the swrap agent they are in the same fake network), waits for each one's hello on
 * {@code master.sock}, then listens on every interface and passes each connection to a worker
 * ({@link PeekLoop}, {@link ClientGuidTable}, {@link WorkerSlot}). A worker that dies is started again and
 * the ClientGuids it owned are forgotten; the workers exit when the master dies (EOF on their stdin).
 */
public final class Master implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Master.class.getName());
    /** How long the workers may take to start (JVM, config, hello) before the master gives up. */
    static final long START_TIMEOUT_SECONDS = 120;
    /** A worker that lived less than this is restarted after {@link #RESTART_DELAY_MILLIS}, not at once. */
    static final long QUICK_EXIT_MILLIS = 10_000;
    static final long RESTART_DELAY_MILLIS = 1_000;
    /** How long a hello may take to arrive once a worker connected. */
    static final int HELLO_TIMEOUT_MILLIS = 10_000;
    /** DIR is {@code java.io.tmpdir/smbserver-prefork-PID-RANDOM}. */
    private static final String DIR_PREFIX = "smbserver-prefork-";

    private final SmbConfig cfg;
    private final Path confFile;
    private final Path dir;
    private final ClientGuidTable table;
    /** The workers' shared file state, for the dead-owner repair when one dies; null when they keep their own. */
    private final FileStore files;
    /** The workers' GlobalSessionTable, for dropping a dead worker's sessions. */
    private final SharedSessions sessions;
    /** ServerGuid, the same from every worker: a client that reaches two of them sees one server. */
    private final byte[] serverGuid = ServerState.randomGuid();
    private final WorkerSlot[] slots;
    private final AFUNIXServerSocket control;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private volatile boolean closing;
    private PeekLoop loop;

    private Master(SmbConfig cfg, Path confFile, Path dir) throws IOException {
        this.cfg = cfg;
        this.confFile = confFile;
        this.dir = dir;
        int n = cfg.prefork().children();
        this.table = ClientGuidTable.create(dir, n);
        Messenger messenger = new Messenger();
        if (!cfg.prefork().unsharedFileState()) {
            // the dead-owner repair wakes waiters of other workers: they are woken by message
            messenger.attach(dir, cfg.prefork().messaging(), table.locator());
        }
        this.files = cfg.prefork().unsharedFileState() ? null
                : new FileStore(ShmRecords.open(dir.resolve(ShmRecords.FILE)), messenger, true);
        this.sessions = SharedSessions.open(dir, cfg.prefork().maxSessions());
        this.slots = new WorkerSlot[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new WorkerSlot(i, table);
        }
        this.control = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(dir.resolve("master.sock")));
    }

    /** Starts the workers, waits for them, then listens; the returned master runs until {@link #close()}. */
    public static Master start(SmbConfig cfg, Path confFile) throws IOException, InterruptedException {
        sweepLeftovers();
        Path dir = Files.createTempDirectory(DIR_PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Master m = new Master(cfg, confFile.toAbsolutePath(), dir);
        try {
            Thread hello = new Thread(m::acceptHellos, "prefork-hello");
            hello.setDaemon(true);
            hello.start();
            for (WorkerSlot s : m.slots) {
                m.startWorker(s);
            }
            m.awaitWorkers();
            m.listen();
        } catch (IOException | RuntimeException | InterruptedException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** The directories of masters that were killed (named after their pid) are removed by the next one. */
    private static void sweepLeftovers() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.startsWith(DIR_PREFIX)) {
                    continue;
                }
                String[] parts = name.substring(DIR_PREFIX.length()).split("-", 2);
                if (parts.length == 2 && parts[0].matches("\\d{1,10}")
                        && ProcessHandle.of(Long.parseLong(parts[0])).map(h -> !h.isAlive()).orElse(true)) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot look for leftovers of killed masters in " + tmp + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warning("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    private void startWorker(WorkerSlot s) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        cmd.addAll(flags);
        String opens = "java.base/sun.nio.ch=ALL-UNNAMED"; // PassedSockets makes channels of received descriptors
        if (!flags.contains("--add-opens=" + opens)) {
            cmd.add("--add-opens=" + opens);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.swrap.smb.SmbServerMain",
                "-s", confFile.toString(), Worker.ARG, Integer.toString(s.slot()), dir.toString(),
                HexFormat.of().formatHex(serverGuid)));
        // stdin stays a pipe from this process: the worker exits at its EOF, when the master is gone
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        s.started(p);
        long started = System.nanoTime();
        LOG.info("worker " + s.slot() + " started: pid " + p.pid());
        p.onExit().thenAcceptAsync(dead -> restart(s, dead, started)); // not on the JDK's process reaper
    }

    private void restart(WorkerSlot s, Process dead, long started) {
        try {
            // messages to it now fail at once ("no socket") instead of on a refused send
            java.nio.file.Files.deleteIfExists(io.swrap.smb.ipc.Endpoint.address(dir, dead.pid()));
        } catch (IOException e) {
            LOG.warning("cannot remove the message socket of dead worker " + s.slot() + " (pid " + dead.pid() + "): "
                    + e.getMessage());
        }
        s.detach();
        int forgotten = table.forgetWorker(s.slot());
        // its sockets' records in the fake network's table: nobody else would free them until some process's first lock
        int reclaimed = PassedSockets.reclaimDeadOwners();
        // its opens, locks, leases and waiters: no file stays locked by a process that is gone
        int dropped = files == null ? 0 : files.purgeProcess(dead.pid());
        // its sessions: a bind or a PreviousSessionId naming one from another worker finds it gone
        int ended = sessions.purgeProcess(dead.pid());
        if (closing) {
            return;
        }
        LOG.warning("worker " + s.slot() + " (pid " + dead.pid() + ") exited with status " + dead.exitValue()
                + ": its clients lost their connections, " + forgotten + " ClientGuids forgotten, " + reclaimed
                + " socket records freed, " + dropped + " file-state entries dropped, " + ended + " sessions ended;"
                + " starting it again");
        try {
            if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < QUICK_EXIT_MILLIS) {
                Thread.sleep(RESTART_DELAY_MILLIS);
            }
            if (!closing) {
                startWorker(s);
            }
        } catch (IOException e) {
            LOG.severe("cannot start worker " + s.slot() + " again: " + e.getMessage() + ": the master runs with"
                    + " one worker less");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each worker connects to master.sock and says its slot and pid; the socket then carries its connections. */
    private void acceptHellos() {
        while (!control.isClosed()) {
            AFUNIXSocket s;
            try {
                s = control.accept();
            } catch (IOException e) {
                if (!control.isClosed()) {
                    LOG.severe("the master's control socket failed: " + e.getMessage() + ": no worker can attach");
                }
                return;
            }
            try {
                s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
                DataInputStream in = new DataInputStream(s.getInputStream());
                int slot = in.readInt();
                long pid = in.readLong();
                if (slot < 0 || slot >= slots.length || !slots[slot].attach(pid, s)) {
                    LOG.warning("hello from pid " + pid + " as worker " + slot + " refused: not a worker this master"
                            + " started");
                    s.close();
                } else {
                    LOG.info("worker " + slot + " (pid " + pid + ") ready");
                }
            } catch (IOException e) {
                LOG.warning("a worker's hello failed: " + e.getMessage());
                try {
                    s.close();
                } catch (IOException c) {
                    LOG.log(Level.FINE, "closing a failed hello's socket: " + c);
                }
            }
        }
    }

    private void awaitWorkers() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        for (WorkerSlot s : slots) {
            while (!s.attached()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("worker " + s.slot() + " did not say hello within " + START_TIMEOUT_SECONDS
                            + " s (its log lines above say why)");
                }
                Thread.sleep(20);
            }
        }
    }

    private void listen() throws IOException {
        List<InetAddress> addrs = SmbServer.listenAddresses(cfg);
        for (InetAddress a : addrs) {
            for (int port : cfg.ports()) {
                ServerSocketChannel l = ServerSocketChannel.open();
                try {
                    l.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                    l.bind(new InetSocketAddress(a, port), 1024);
                } catch (IOException e) {
                    l.close();
                    throw new IOException("cannot listen on " + a + " port " + port + ": " + e, e);
                }
                listeners.add(l);
                LOG.info("listening on " + l.getLocalAddress() + " for " + slots.length + " workers");
            }
        }
        loop = new PeekLoop(cfg, listeners, this::route);
        Thread t = new Thread(loop, "prefork-accept");
        t.start();
    }

    private void route(SocketChannel ch, InetSocketAddress remote, byte[] guid, byte[] bytes) {
        int slot = table.route(guid, remote.getAddress(), cfg.prefork().byPeerAddress(), s -> slots[s].attached());
        if (slot < 0) {
            LOG.warning("connection from " + remote + " closed: no worker is running");
            WorkerSlot.closeQuietly(ch);
            return;
        }
        slots[slot].pass(ch, remote, guid, bytes);
    }

    /** The addresses actually bound. */
    public List<InetSocketAddress> addresses() throws IOException {
        List<InetSocketAddress> a = new ArrayList<>();
        for (ServerSocketChannel l : listeners) {
            a.add((InetSocketAddress) l.getLocalAddress());
        }
        return a;
    }

    @Override
    public void close() {
        closing = true;
        if (loop != null) {
            loop.stop();
        }
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a listener: " + e);
            }
        }
        try {
            control.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the control socket: " + e);
        }
        for (WorkerSlot s : slots) {
            s.shutdown();
            Process p = s.process();
            if (p != null) {
                p.destroy();
            }
        }
        for (WorkerSlot s : slots) {
            Process p = s.process();
            try {
                if (p != null && !p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        table.close();
        sessions.close();
        if (files != null) {
            files.close();
        }
        deleteTree(dir);
    }
}
