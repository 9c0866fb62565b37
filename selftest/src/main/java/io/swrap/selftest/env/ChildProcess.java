package io.swrap.selftest.env;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real child process in a fake network — a JVM under the agent, or a C program under
 * libsocket_wrapper — whose stdout is read line by line. A missed expectation is an
 * {@link AssertionError} carrying everything the child printed.
 */
public final class ChildProcess implements AutoCloseable {
    public static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    public static final String PYTHON = "/usr/bin/python3";
    /** Networks whose processes write a pcap capture: socket directory -> capture file. */
    private static final Map<Path, Path> CAPTURES = new ConcurrentHashMap<>();

    private final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final StringBuffer stderr = new StringBuffer();
    private final List<Thread> pumps = new ArrayList<>();
    private final boolean jvm;

    private ChildProcess(String name, List<String> command, Map<String, String> env) throws IOException {
        this.name = name;
        this.jvm = command.get(0).equals(JAVA);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKET_WRAPPER_") || k.equals("LD_PRELOAD"));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k); // a null value unsets the variable (e.g. LANG, to run without a locale)
            } else {
                pb.environment().put(k, v);
            }
        });
        this.process = pb.start();
        pumps.add(pump(process.getInputStream(), line -> {
            seen.add(line);
            lines.add(line);
        }));
        pumps.add(pump(process.getErrorStream(), line -> stderr.append(line).append('\n')));
    }

    /** The agent jar: {@code -Dswrap.agent.jar}, else the build output next to this module. */
    public static Path agentJar() {
        String prop = System.getProperty("swrap.agent.jar");
        Path jar = prop != null ? Path.of(prop) : Path.of("..", "swrap-agent", "target", "swrap-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar " + jar.toAbsolutePath() + " not found: build it with"
                    + " mvn package, or pass -Dswrap.agent.jar=PATH");
        }
        return jar.toAbsolutePath();
    }

    /** The flags of every JVM under the agent besides the agent's own. */
    private static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            // as scripts/smbserver: a JVM out of memory exits instead of staying up and serving nobody
            "-XX:+ExitOnOutOfMemoryError",
            // the SMB server's assertions that state is touched on its owner's event loop
            "-ea:io.swrap.smb...",
            // the SMB server reads its sockets' send queues (break delivery over several channels)
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            // what a prefork master adds for its workers (PassedSockets): given to every JVM, master and worker
            // have the same module options and so map the same AOT cache
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

    /** The JVM flags of a JVM under the agent, with the agent's AOT cache (as scripts/swrap-run gives them). */
    public static List<String> agentFlags() {
        return agentFlags(List.of(), Map.of());
    }

    /**
     * The JVM flags of a JVM under the agent with {@code jvmFlags} of its own (included, last) and the
     * environment {@code env} added: the AOT cache is the one for their module options ({@link AgentAotFlags}),
     * none when the child's {@code SWRAP_CACHE_DIR} is {@code off}. A child given a directory of its own (a test
     * of the advised class cache) maps the AOT cache of this JVM's {@code SWRAP_CACHE_DIR}: the JVM only reads
     * it, and one built per test directory would cost each such test a training run.
     */
    public static List<String> agentFlags(List<String> jvmFlags, Map<String, String> env) {
        List<String> own = new ArrayList<>(JVM_FLAGS);
        own.addAll(jvmFlags);
        String cacheDir = "off".equals(env.get("SWRAP_CACHE_DIR")) ? "off" : System.getenv("SWRAP_CACHE_DIR");
        List<String> flags = new ArrayList<>(AgentAotFlags.forJvm(own, cacheDir));
        flags.addAll(own);
        return flags;
    }

    /** A JVM under the agent running {@code mainClass} from this JVM's class path. */
    public static ChildProcess java(String name, Map<String, String> env, String mainClass, String... args)
            throws IOException {
        return java(name, env, List.of(), mainClass, args);
    }

    /** A JVM under the agent with more JVM flags, e.g. {@code -Xmx128m}. */
    public static ChildProcess java(String name, Map<String, String> env, List<String> jvmFlags, String mainClass,
                                    String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(agentFlags(jvmFlags, env));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ChildProcess(name, cmd, env);
    }

    /** A JVM without the agent (the baseline of benchmarks). */
    public static ChildProcess plainJava(String name, Map<String, String> env, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ChildProcess(name, cmd, env);
    }

    /** A python3 program of this module's {@code cpeers/} resources under C libsocket_wrapper. */
    public static ChildProcess cPeer(String name, Map<String, String> env, String script, String... args)
            throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put("LD_PRELOAD", DebianLibs.libsocketWrapper().toString());
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", resource(script).toString()));
        cmd.addAll(List.of(args));
        return new ChildProcess(name, cmd, e);
    }

    /** Any command, with {@code env} added to this JVM's environment (scripts such as swrap-run). */
    public static ChildProcess command(String name, Map<String, String> env, List<String> command)
            throws IOException {
        return new ChildProcess(name, command, env);
    }

    /** A resource of {@code cpeers/} as a file (copied out when it lives in a jar). */
    public static Path resource(String name) throws IOException {
        URL url = ChildProcess.class.getResource("/cpeers/" + name);
        if (url == null) {
            throw new IllegalStateException("resource /cpeers/" + name + " missing from the class path");
        }
        if (url.getProtocol().equals("file")) {
            return Path.of(java.net.URI.create(url.toString()));
        }
        Path tmp = Files.createTempFile("swrap-" + name.replace(".py", ""), ".py");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }

    /**
     * Environment of a process in the fake network {@code dir} on default interface {@code iface}
     * (with SOCKET_WRAPPER_PCAP_FILE when the network is {@linkplain #capture captured}).
     */
    public static Map<String, String> net(Path dir, int iface) {
        Map<String, String> env = new HashMap<>();
        env.put("SOCKET_WRAPPER_DIR", dir.toString());
        env.put("SOCKET_WRAPPER_DEFAULT_IFACE", Integer.toString(iface));
        Path pcap = CAPTURES.get(dir.toAbsolutePath().normalize());
        if (pcap != null) {
            env.put("SOCKET_WRAPPER_PCAP_FILE", pcap.toString());
        }
        return env;
    }

    /** Every process started later in network {@code dir} (Java and C) appends its packets to {@code pcap}. */
    public static void capture(Path dir, Path pcap) {
        CAPTURES.put(dir.toAbsolutePath().normalize(), pcap.toAbsolutePath());
    }

    private static Thread pump(InputStream in, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                sink.accept("<<read error: " + e + ">>");
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits up to 30 s for the next stdout line matching {@code regex}; earlier lines are skipped. */
    public Matcher expect(String regex) throws InterruptedException {
        return expect(regex, Duration.ofSeconds(30));
    }

    public Matcher expect(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout
                        + "; stdout so far: " + stdout() + "; alive=" + process.isAlive() + "; stderr:\n" + stderr
                        + threadDump());
            }
            Matcher m = p.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
    }

    /** Waits (at most 60 s) for the exit code. */
    public int waitFor() throws InterruptedException {
        return waitFor(Duration.ofSeconds(60));
    }

    /** Waits at most {@code timeout} for the exit code (longer for a child that builds something first). */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s; stdout: " + stdout()
                    + "; stderr:\n" + stderr + threadDump());
        }
        // the exit code is known before the readers have seen the end of the output: wait for them too
        for (Thread t : pumps) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    /** Waits for a successful exit. */
    public void succeeds() throws InterruptedException {
        succeeds(Duration.ofSeconds(60));
    }

    /** Waits at most {@code timeout} for a successful exit. */
    public void succeeds(Duration timeout) throws InterruptedException {
        int rc = waitFor(timeout);
        if (rc != 0) {
            throw new AssertionError(name + " exited with " + rc + "; stdout: " + stdout() + "; stderr:\n" + stderr);
        }
    }

    /**
     * The threads of a live JVM child (virtual ones included), for the message of a missed
     * expectation: a hang is then diagnosable from the CI log alone. Empty for other children.
     */
    public String threadDump() {
        if (!jvm || !process.isAlive()) {
            return "";
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Path out = Files.createTempFile("swrap-threads-" + process.pid() + "-", ".txt");
            Files.delete(out); // jcmd refuses to overwrite
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.dump_to_file",
                    "-format=text", out.toString()).redirectErrorStream(true).start();
            String jcmdOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || !Files.exists(out)) {
                return "\nthread dump of " + name + " failed: " + jcmd + ": " + jcmdOutput;
            }
            String dump = Files.readString(out);
            Files.delete(out);
            return "\nthreads of " + name + " (pid " + process.pid() + "):\n" + dump;
        } catch (IOException e) {
            return "\nthread dump of " + name + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "\nthread dump of " + name + " interrupted";
        }
    }

    public String stderr() {
        return stderr.toString();
    }

    public List<String> stdout() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                // not waited for, but not left running: killed, and the interrupt kept for the caller
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
