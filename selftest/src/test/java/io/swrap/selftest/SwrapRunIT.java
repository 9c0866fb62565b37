package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/swrap-run: a single-file Java program under the agent and python3 under C socket_wrapper. */
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
    void badInterfaceIsRefusedWithTheRange() throws Exception {
        try (ChildProcess p = ChildProcess.command("swrap-run", ENV, List.of(SWRAP_RUN, "--dir", dir.toString(),
                "--iface", "65", "--", "true"))) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains("SOCKET_WRAPPER_DEFAULT_IFACE=65 is out of range (expected: 1..64)"),
                    p.stderr());
        }
    }
}
