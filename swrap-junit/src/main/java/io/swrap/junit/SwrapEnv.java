package io.swrap.junit;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketView;
import io.swrap.agent.table.TableSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One fake network for a test class (or a test method): its own {@code SOCKET_WRAPPER_DIR}, a pcap
 * capture of everything in it, and the processes started in it — JVMs under the swrap agent ({@link
 * #java}) and other programs under C libsocket_wrapper ({@link #c}) — each on a chosen fake interface.
 * {@link SwrapExtension} creates it, and at the end ends every process with its descendants and checks
 * that none is left (an orphan fails the test); on a failure it keeps the directory with every
 * process's output and the capture, and says where.
 *
 * <p>Layout: {@code BASE/net} is the socket directory (short, for sun_path), {@code BASE/NAME.out} and
 * {@code NAME.err} each process's output, {@code BASE/capture.pcap} the capture ({@code tshark -r}).
 */
public final class SwrapEnv implements AutoCloseable {
    /** How long ended processes get to exit before SIGKILL, and again after it. */
    static final Duration GRACE = Duration.ofSeconds(10);
    /** How often the table and /proc/net/unix are read while waiting for a listener. */
    static final long POLL_MS = 20;
    /** The default wait for a listener. */
    static final Duration LISTEN_WAIT = Duration.ofSeconds(60);

    private final Path base;
    private final Path dir;
    private final Path pcap;
    private final String links;
    private final List<SwrapProcess> processes = new ArrayList<>();
    private boolean failed;
    private boolean closed;

    SwrapEnv(Path base, boolean capture, String links) throws IOException {
        this.base = base;
        this.dir = Files.createDirectory(base.resolve("net")).toRealPath();
        this.pcap = capture ? base.resolve("capture.pcap") : null;
        this.links = links;
    }

    /** The socket directory ({@code SOCKET_WRAPPER_DIR}) of this network. */
    public Path dir() {
        return dir;
    }

    /** The capture every process appends to, or null when capture is off. */
    public Path pcap() {
        return pcap;
    }

    /** The environment of a process of this network on default interface {@code iface} (1..64). */
    public Map<String, String> environment(int iface) {
        if (iface < 1 || iface > 64) {
            throw new IllegalArgumentException("interface " + iface + ": fake interfaces are 1..64");
        }
        Map<String, String> env = new HashMap<>();
        env.put("SOCKET_WRAPPER_DIR", dir.toString());
        env.put("SOCKET_WRAPPER_DEFAULT_IFACE", Integer.toString(iface));
        if (pcap != null) {
            env.put("SOCKET_WRAPPER_PCAP_FILE", pcap.toString());
        }
        if (!links.isEmpty()) {
            env.put("SWRAP_LINKS", links);
        }
        return env;
    }

    /**
     * Starts {@code mainClass} (on this JVM's class path) in a JVM under the agent, on interface
     * {@code iface}. {@code name} names its output files: unique within the environment.
     */
    public SwrapProcess java(String name, int iface, Class<?> mainClass, String... args) throws IOException {
        return java(name, iface, List.of(), Map.of(), mainClass, args);
    }

    /** As {@link #java(String, int, Class, String...)}, with JVM flags and more environment variables. */
    public SwrapProcess java(String name, int iface, List<String> jvmFlags, Map<String, String> env, Class<?> mainClass,
                             String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the agent with its AOT cache for the module options of jvmFlags (AgentAotCache), none when the
        // child's SWRAP_CACHE_DIR is off
        String cacheBase = env.containsKey("SWRAP_CACHE_DIR") ? env.get("SWRAP_CACHE_DIR") : System.getenv("SWRAP_CACHE_DIR");
        cmd.addAll(AgentAotCache.flags(Tools.agentJar(), AgentAotCache.moduleOptions(jvmFlags), cacheBase));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmFlags);
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return start(name, iface, env, cmd);
    }

    /** Starts a program (a C binary, python3, a shell script) under libsocket_wrapper on interface {@code iface}. */
    public SwrapProcess c(String name, int iface, String... command) throws IOException {
        return c(name, iface, Map.of(), command);
    }

    public SwrapProcess c(String name, int iface, Map<String, String> env, String... command) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put("LD_PRELOAD", Tools.libsocketWrapper().toString());
        return start(name, iface, e, List.of(command));
    }

    private synchronized SwrapProcess start(String name, int iface, Map<String, String> env, List<String> cmd)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("the fake network " + dir + " is torn down");
        }
        if (!name.matches("[A-Za-z0-9._-]+") || processes.stream().anyMatch(p -> p.name().equals(name))) {
            throw new IllegalArgumentException("process name '" + name + "': letters, digits, '.', '_', '-', unique"
                    + " within the environment (it names the output files)");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment(iface));
        pb.environment().putAll(env);
        SwrapProcess p = new SwrapProcess(name, pb, base);
        processes.add(p);
        return p;
    }

    /**
     * Waits until something listens on {@code host:port} of this network (a fake address: 127.0.0.X,
     * 10.53.57.X or fd00::5357:5fXX), as the network knows it: a listening record in the agent's table
     * (a JVM), or a listening unix socket bound to the address's socket file in /proc/net/unix (a C
     * program). Never connects to it.
     */
    public void awaitListener(String host, int port) throws IOException, InterruptedException {
        awaitListener(host, port, LISTEN_WAIT);
    }

    public void awaitListener(String host, int port, Duration timeout) throws IOException, InterruptedException {
        int iface = Tools.iface(host);
        boolean v6 = host.contains(":");
        List<String> files = new ArrayList<>(List.of(String.format(Locale.ROOT, "%c%02X%04X", v6 ? 'X' : 'T', iface, port)));
        if (!v6) {
            files.add(String.format(Locale.ROOT, "X%02X%04X", iface, port)); // a dual-stack [::] listener
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (javaListener(iface, port) || Tools.unixListener(dir, files)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing listens on " + host + ":" + port + " in " + dir + " after " + timeout
                        + " (socket files " + files + "); processes: " + processes + "\n" + outputs());
            }
            Thread.sleep(POLL_MS);
        }
    }

    private boolean javaListener(int iface, int port) throws IOException {
        if (!Files.exists(dir.resolve(io.swrap.agent.table.SocketTable.FILE_NAME))) {
            return false;
        }
        for (SocketView s : TableSnapshot.read(dir).sockets()) {
            if ("LISTEN".equals(s.state()) && s.name() != null && s.name().iface() == iface && s.name().port() == port) {
                return true;
            }
        }
        return false;
    }

    /** Fault injection into this network (interfaces down, connections reset or blackholed); close it after use. */
    public SwrapNetwork faults() throws IOException {
        return SwrapNetwork.open(dir);
    }

    /** The wrapped sockets of the network's JVMs, as {@code swrap ls} shows them. */
    public List<SocketView> sockets() throws IOException {
        return Files.exists(dir.resolve(io.swrap.agent.table.SocketTable.FILE_NAME))
                ? TableSnapshot.read(dir).sockets() : List.of();
    }

    public synchronized List<SwrapProcess> processes() {
        return List.copyOf(processes);
    }

    /** The test failed: keep the directory and print every process's output and where the capture is. */
    synchronized void failed(String test) {
        failed = true;
        System.err.println("swrap-junit: " + test + " failed; the fake network's outputs and capture are kept in "
                + base + (pcap != null ? " (tshark -r " + pcap + ")" : ""));
        System.err.println(outputs());
    }

    private String outputs() {
        StringBuilder b = new StringBuilder();
        for (SwrapProcess p : processes) {
            b.append("---- ").append(p).append(" stdout (").append(p.stdoutFile()).append(")\n");
            p.stdout().stream().skip(Math.max(0, p.stdout().size() - 50)).forEach(l -> b.append(l).append('\n'));
            String err = p.stderr();
            b.append("---- ").append(p.name()).append(" stderr (").append(p.stderrFile()).append(")\n")
                    .append(err.length() > 8000 ? "…" + err.substring(err.length() - 8000) : err);
        }
        return b.toString();
    }

    /**
     * Ends every process with its descendants, then checks that none is left: no process of the trees,
     * no JVM still holding a socket of the table, no unix socket still bound in the directory. Deletes
     * the directory unless the test failed. Throws {@link AssertionError} naming orphans.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<String> orphans = new ArrayList<>();
        try {
            for (SwrapProcess p : processes) {
                for (ProcessHandle h : p.end(GRACE)) {
                    orphans.add("pid " + h.pid() + " (" + h.info().commandLine().orElse("?") + ") of " + p.name());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while ending the processes of " + dir);
        }
        for (SocketView s : sockets()) {
            s.owners().stream().filter(SocketView.Owner::alive).filter(o -> o.pid() != ProcessHandle.current().pid())
                    .forEach(o -> orphans.add("pid " + o.pid() + " still holds socket #" + s.index() + " " + s.state()
                            + " " + s.local()));
        }
        try {
            for (String path : Tools.boundUnixSockets(dir)) {
                orphans.add("a process still has " + path + " bound");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while checking " + dir + " for orphans");
        }
        if (!failed && orphans.isEmpty()) {
            deleteTree(base);
        }
        if (!orphans.isEmpty()) {
            throw new AssertionError("orphan processes of the fake network " + dir + " after teardown: " + orphans);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "SwrapEnv[" + dir + ", " + processes.size() + " processes]";
    }
}
