package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/swrap-run: a single-file Java program under the agent and python3 under C socket_wrapper;
 * JVMs started by a shell launcher or by another JVM get the agent too, and the C socket_wrapper
 * they inherit is switched off in them. The agent's AOT cache: built once, used, survived when damaged,
 * and absent with {@code SWRAP_CACHE_DIR=off}.
 */
class SwrapRunIT {
    private static final String SWRAP_RUN = Path.of("..", "scripts", "swrap-run").toAbsolutePath().normalize().toString();
    private static final Map<String, String> ENV = Map.of("SWRAP_NO_BUILD", "1");

    /** How long a swrap-run may take that builds the agent's AOT cache first (a training run and an assembly). */
    private static final Duration BUILDS_CACHE = Duration.ofMinutes(5);
    /** A class of the agent jar that a JVM using the cache loads from it. */
    private static final String AGENT_CLASS = "io.swrap.agent.Bootstrap";

    @TempDir
    Path dir;

    /** The other tests expect a listener within 30 s: the first swrap-run of a new agent jar builds its cache first. */
    @BeforeAll
    static void buildTheDefaultCache(@TempDir Path net) throws Exception {
        try (ChildProcess p = ChildProcess.command("swrap-run true", ENV, List.of(SWRAP_RUN, "--dir", net.toString(),
                "--", "true"))) {
            p.succeeds(BUILDS_CACHE);
        }
    }

    @Test
    void aotCacheIsBuiltOnceByConcurrentStartsThenUsedAndADamagedOneOnlySlowsTheJvm() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = new HashMap<>(ENV);
        env.put("SWRAP_CACHE_DIR", cache.toString());
        // two JVMs start at once with no cache: one builds it under the lock, the other waits, both run
        List<ChildProcess> first = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                first.add(hello("swrap-run hello " + i, env, "--debug", "2"));
            }
            int builds = 0;
            for (ChildProcess p : first) {
                p.succeeds(BUILDS_CACHE);
                assertEquals("hello", p.stdout().getLast(), p.stderr());
                builds += p.stderr().contains("swrap_aot: building the AOT cache") ? 1 : 0;
            }
            assertEquals(1, builds, "one of two concurrent starts builds the cache: " + first.get(0).stderr()
                    + first.get(1).stderr());
        } finally {
            first.forEach(ChildProcess::close);
        }
        List<Path> files = aotFiles(cache);
        assertEquals(1, files.stream().filter(f -> f.toString().endsWith(".aot")).count(), files.toString());
        assertTrue(files.stream().noneMatch(f -> f.toString().matches(".*(\\.tmp\\.aot.*|\\.failed|\\.log)")),
                "left over: " + files);
        Path aot = files.stream().filter(f -> f.toString().endsWith(".aot")).findFirst().orElseThrow();

        // used: the agent's classes come from it, nothing is built again
        try (ChildProcess p = hello("swrap-run hello cached", env, "--debug", "2", "-Xlog:class+load")) {
            p.succeeds();
            assertTrue(p.stdout().stream().anyMatch(l -> l.contains(AGENT_CLASS + " source: shared objects file")),
                    AGENT_CLASS + " was not loaded from the AOT cache " + aot + ": "
                            + p.stdout().stream().filter(l -> l.contains(AGENT_CLASS)).toList());
            assertFalse(p.stderr().contains("swrap_aot: building"), p.stderr());
        }

        // damaged (cut short): the JVM says so and runs as before, without it; so does the agent
        try (FileChannel ch = FileChannel.open(aot, StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        try (ChildProcess p = hello("swrap-run hello damaged", env, "--debug", "1")) {
            p.succeeds();
            assertEquals("hello", p.stdout().getLast());
            assertTrue(p.stderr().contains("[aot]"), "no JVM warning about the damaged cache: " + p.stderr());
            assertTrue(p.stderr().contains("SWRAP_WARN[java:StartupBench")
                    && p.stderr().contains("swrap_init: this JVM does not use the AOT cache " + aot), p.stderr());
        }
    }

    @Test
    void cacheOffStartsTheJvmWithoutAnAotCache() throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("SWRAP_CACHE_DIR", "off");
        try (ChildProcess p = hello("swrap-run hello cache off", env, "-Xlog:class+load")) {
            p.succeeds();
            assertTrue(p.stdout().contains("hello"), p.stderr());
            assertTrue(p.stderr().contains("Picked up JAVA_TOOL_OPTIONS: -javaagent:")
                    && !p.stderr().contains("AOTCache"), p.stderr());
            assertTrue(p.stdout().stream().anyMatch(l -> l.contains(AGENT_CLASS + " source: ")
                    && !l.contains("shared objects file")), "the agent's classes came from an archive");
        }
    }

    /** A JVM under swrap-run that prints hello (a class of this module: its class path is not the cache's). */
    private ChildProcess hello(String name, Map<String, String> env, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(SWRAP_RUN, "--dir", dir.resolve("net").toString(), "--iface", "11"));
        int i = 0;
        for (; i < options.length && options[i].startsWith("--"); i += 2) {
            cmd.addAll(List.of(options[i], options[i + 1]));
        }
        cmd.addAll(List.of("--", "java"));
        cmd.addAll(List.of(options).subList(i, options.length));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.swrap.selftest.bench.StartupBench"));
        return ChildProcess.command(name, env, cmd);
    }

    private static List<Path> aotFiles(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache.resolve("aot"))) {
            return s.filter(f -> !f.toString().endsWith(".lock")).toList();
        }
    }

    @Test
    void javaSourceProgramAndCProgramShareTheNetwork() throws Exception {
        String echo = Path.of(URI.create(SwrapRunIT.class.getResource("/Echo.java").toString())).toString();
        try (ChildProcess server = ChildProcess.command("swrap-run java", ENV, List.of(SWRAP_RUN, "--dir",
                dir.toString(), "--iface", "11", "--", "java", echo, "127.0.0.11", "445"))) {
            server.expect("LISTENING /127.0.0.11:445");
            try (ChildProcess client = ChildProcess.command("swrap-run python3", ENV, List.of(SWRAP_RUN, "--dir",
                    dir.toString(), "--iface", "21", "--", ChildProcess.PYTHON, "-c",
                    "import socket; s=socket.create_connection(('127.0.0.11',445)); "
                            + "print('LOCAL %s:%d' % s.getsockname()); s.sendall(b'ping'); "
                            + "print('ECHO', s.recv(4).decode())"))) {
                Matcher local = client.expect("LOCAL 127\\.0\\.0\\.21:(\\d+)");
                client.expect("ECHO ping");
                server.expect("PEER /127.0.0.21:" + local.group(1));
                client.succeeds();
            }
            server.succeeds();
        }
    }

    @Test
    void jvmStartedByAShellLauncherGetsTheAgentAndSwitchesCOff() throws Exception {
        // as Jetty's start script: sh (under LD_PRELOAD) runs java from PATH; sh stays the parent
        Map<String, String> env = Map.of("SWRAP_NO_BUILD", "1", "SOCKET_WRAPPER_DEBUGLEVEL", "2");
        try (ChildProcess server = ChildProcess.command("swrap-run sh -c java", env, List.of(SWRAP_RUN, "--dir",
                dir.toString(), "--iface", "11", "--", "sh", "-c", "java \"$0\" 127.0.0.11 445; echo \"JAVA EXIT $?\"",
                resource("Echo.java")))) {
            server.expect("LISTENING /127.0.0.11:445");
            pythonClientFrom21(server);
            server.expect("JAVA EXIT 0");
            server.succeeds();
            String err = server.stderr();
            assertTrue(err.contains("swrap_init: C socket_wrapper " + DebianLibs.libsocketWrapper() + " is"
                    + " preloaded into this JVM: switched off for this process"), err);
            assertTrue(err.contains("swrap_bind: fd="), "the JVM's bind was not wrapped by the agent: " + err);
        }
    }

    @Test
    void jvmStartedByAJvmUnderAShellLauncherGetsTheNetwork() throws Exception {
        // the middle JVM has C socket_wrapper switched off; its child must still inherit SOCKET_WRAPPER_DIR
        try (ChildProcess server = ChildProcess.command("swrap-run sh -c java Spawn java", ENV, List.of(SWRAP_RUN,
                "--dir", dir.toString(), "--iface", "11", "--", "sh", "-c", "java \"$0\" java \"$1\" 127.0.0.11 445",
                resource("Spawn.java"), resource("Echo.java")))) {
            server.expect("LISTENING /127.0.0.11:445");
            pythonClientFrom21(server);
            server.succeeds();
        }
    }

    @Test
    void cProgramStartedByAJvmUnderAShellLauncherGetsTheNetwork() throws Exception {
        // sh (LD_PRELOAD) -> java (C socket_wrapper switched off) -> python3: wrapped by C again, on .21
        try (ChildProcess server = ChildProcess.command("swrap-run java Echo", ENV, List.of(SWRAP_RUN, "--dir",
                dir.toString(), "--iface", "11", "--", "java", resource("Echo.java"), "127.0.0.11", "445"))) {
            server.expect("LISTENING /127.0.0.11:445");
            pythonClientFrom21(server, "sh", "-c", "exec java \"$0\" \"$@\"", resource("Spawn.java"));
            server.succeeds();
        }
    }

    @Test
    void jvmStartedByAnotherJvmGetsTheAgent() throws Exception {
        // as mvn exec or a Gradle worker: a JVM under swrap-run starts another java with the inherited environment
        try (ChildProcess server = ChildProcess.command("swrap-run java Spawn java", ENV, List.of(SWRAP_RUN, "--dir",
                dir.toString(), "--iface", "11", "--", "java", resource("Spawn.java"), "java", resource("Echo.java"),
                "127.0.0.11", "445"))) {
            server.expect("LISTENING /127.0.0.11:445");
            pythonClientFrom21(server);
            server.succeeds();
        }
    }

    @Test
    void agentGivenTwiceInstallsOnce() throws Exception {
        // an application's own start line already names the agent; swrap-run adds it through JAVA_TOOL_OPTIONS
        Map<String, String> env = Map.of("SWRAP_NO_BUILD", "1", "SOCKET_WRAPPER_DEBUGLEVEL", "2");
        try (ChildProcess server = ChildProcess.command("swrap-run java -javaagent", env, List.of(SWRAP_RUN, "--dir",
                dir.toString(), "--iface", "11", "--", "java", "-javaagent:" + ChildProcess.agentJar(),
                "--enable-native-access=ALL-UNNAMED", resource("Echo.java"), "127.0.0.11", "445"))) {
            server.expect("LISTENING /127.0.0.11:445");
            pythonClientFrom21(server);
            server.succeeds();
            assertTrue(server.stderr().contains("swrap_init: the agent is given twice"), server.stderr());
        }
    }

    /** A python3 client under C socket_wrapper on 127.0.0.21; the Java server must see that address. */
    private void pythonClientFrom21(ChildProcess server, String... launcher) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(SWRAP_RUN, "--dir", dir.toString(), "--iface", "21", "--"));
        cmd.addAll(List.of(launcher));
        cmd.addAll(List.of(ChildProcess.PYTHON, "-c", "import socket; s=socket.create_connection(('127.0.0.11',445)); "
                + "print('LOCAL %s:%d' % s.getsockname()); s.sendall(b'ping'); print('ECHO', s.recv(4).decode())"));
        try (ChildProcess client = ChildProcess.command("swrap-run " + String.join(" ", launcher) + " python3", ENV,
                cmd)) {
            Matcher local = client.expect("LOCAL 127\\.0\\.0\\.21:(\\d+)");
            client.expect("ECHO ping");
            server.expect("PEER /127.0.0.21:" + local.group(1));
            client.succeeds();
        }
    }

    private static String resource(String name) {
        return Path.of(URI.create(SwrapRunIT.class.getResource("/" + name).toString())).toString();
    }

    @Test
    void badInterfaceIsRefusedWithTheRange() throws Exception {
        try (ChildProcess p = ChildProcess.command("swrap-run", ENV, List.of(SWRAP_RUN, "--dir", dir.toString(),
                "--iface", "65", "--", "true"))) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains("SOCKET_WRAPPER_DEFAULT_IFACE=65 is out of range (expected: 1..64)"),
                    p.stderr());
        }
    }
}
