package io.swrap.agent.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real child process (a JVM under the agent, or a C peer under libsocket_wrapper) read line by line. */
final class Proc implements AutoCloseable {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String AGENT = System.getProperty("swrap.agent.jar",
            Path.of("target", "swrap-agent.jar").toAbsolutePath().toString());
    static final String LIBSOCKET_WRAPPER = "/usr/lib/x86_64-linux-gnu/libsocket_wrapper.so";
    static final String PYTHON = "/usr/bin/python3";

    private final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final StringBuffer stderr = new StringBuffer();

    private Proc(String name, List<String> command, Map<String, String> env) throws IOException {
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKET_WRAPPER_") || k.equals("LD_PRELOAD"));
        pb.environment().putAll(env);
        this.process = pb.start();
        pump(process.getInputStream(), line -> {
            seen.add(line);
            lines.add(line);
        });
        pump(process.getErrorStream(), line -> stderr.append(line).append('\n'));
    }

    /** A JVM under the agent running {@code mainClass} from the test classpath. */
    static Proc java(String name, Map<String, String> env, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-javaagent:" + AGENT, "--enable-native-access=ALL-UNNAMED",
                "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new Proc(name, cmd, env);
    }

    /** A python3 program from the test resources under C libsocket_wrapper. */
    static Proc cPeer(String name, Map<String, String> env, String script, String... args) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put("LD_PRELOAD", LIBSOCKET_WRAPPER);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", resource(script)));
        cmd.addAll(List.of(args));
        return new Proc(name, cmd, e);
    }

    static String resource(String name) {
        var url = Proc.class.getResource("/cpeers/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource /cpeers/" + name + " missing");
        }
        return Path.of(java.net.URI.create(url.toString())).toString();
    }

    /** Environment of a process in the fake network {@code dir} on default interface {@code iface}. */
    static Map<String, String> net(Path dir, int iface) {
        Map<String, String> env = new HashMap<>();
        env.put("SOCKET_WRAPPER_DIR", dir.toString());
        env.put("SOCKET_WRAPPER_DEFAULT_IFACE", Integer.toString(iface));
        return env;
    }

    private static void pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                sink.accept("<<read error: " + e + ">>");
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the next stdout line matching {@code regex}; returns its match (groups usable). */
    Matcher expect(String regex) throws InterruptedException {
        return expect(regex, Duration.ofSeconds(30));
    }

    Matcher expect(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail(name + ": no line matching /" + regex + "/ within " + timeout + "; stdout so far: " + seen
                        + "; alive=" + process.isAlive() + "; stderr:\n" + stderr);
            }
            Matcher m = p.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
    }

    /** Waits for exit and returns the exit code. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            fail(name + " did not exit within 60 s; stdout: " + seen + "; stderr:\n" + stderr);
        }
        return process.exitValue();
    }

    /** Waits for a successful exit. */
    void succeeds() throws InterruptedException {
        int rc = waitFor();
        if (rc != 0) {
            fail(name + " exited with " + rc + "; stdout: " + seen + "; stderr:\n" + stderr);
        }
    }

    String stderr() {
        return stderr.toString();
    }

    List<String> stdout() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
