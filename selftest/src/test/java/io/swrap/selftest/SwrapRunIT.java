package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/swrap-run: a single-file Java program under the agent and python3 under C socket_wrapper;
 * JVMs started by a shell launcher or by another JVM get the agent too, and the C socket_wrapper
 * they inherit is switched off in them.
 */
class SwrapRunIT {
    private static final String SWRAP_RUN = Path.of("..", "scripts", "swrap-run").toAbsolutePath().normalize().toString();
    private static final Map<String, String> ENV = Map.of("SWRAP_NO_BUILD", "1");

    @TempDir
    Path dir;

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
