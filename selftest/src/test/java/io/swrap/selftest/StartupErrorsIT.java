package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.peers.IdentityProbe;
import io.swrap.selftest.peers.Probe;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a JVM under the agent fails or recovers at start-up: each case in a real child process. */
class StartupErrorsIT {
    @TempDir
    Path dir;

    private Map<String, String> env(int iface) throws Exception {
        Files.createDirectories(dir.resolve("net"));
        return ChildProcess.net(dir.resolve("net"), iface);
    }

    @Test
    void olderJavaIsToldWhichJavaTheAgentNeeds() throws Exception {
        Path java17 = DebianLibs.java17();
        assertTrue(Files.isExecutable(java17), java17 + " is not executable: scripts/test installs openjdk-17-jre-headless");
        try (ChildProcess p = ChildProcess.command("java17", env(21), List.of(java17.toString(),
                "-javaagent:" + ChildProcess.agentJar(), "-version"))) {
            assertEquals(1, p.waitFor());
            assertEquals("swrap-agent: needs Java 25 or later, but this JVM is Java 17 (" + java17.getParent().getParent()
                    + "); run it with a JDK 25 java (JAVA_HOME set to a JDK 25, or its bin/java on PATH)\n", p.stderr());
        }
    }

    @Test
    void unsetSocketDirectoryWarnsOnceOrStopsWhenRequired() throws Exception {
        try (ChildProcess p = ChildProcess.java("no-dir", Map.of(), IdentityProbe.class.getName(), "resolve", "localhost")) {
            p.expect("RESOLVED localhost .*");
            p.succeeds();
            assertTrue(p.stderr().matches("swrap-agent: warning: SOCKET_WRAPPER_DIR is not set: this JVM \\(pid \\d+\\)"
                    + " uses the real network; set it to the fake network's directory, or SWRAP_REQUIRE_DIR=1 to make"
                    + " this fatal\n"), p.stderr());
        }
        try (ChildProcess p = ChildProcess.java("no-dir-required", Map.of("SWRAP_REQUIRE_DIR", "1"),
                IdentityProbe.class.getName(), "resolve", "localhost")) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().startsWith("swrap-agent: invalid configuration: SOCKET_WRAPPER_DIR is not set")
                    || p.stderr().contains("SOCKET_WRAPPER_DIR is not set (and SWRAP_REQUIRE_DIR=1"), p.stderr());
            assertEquals(List.of(), p.stdout());
        }
    }
    /** A second user gets the table's file, mode and owner named, not "incompatible table". */
    @Test
    void secondUserWithoutAccessToTheTableIsToldFileAndMode() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "the suites run as root (CI does): this test runs a child as nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = env(11);
        Path net = dir.resolve("net");
        Files.setPosixFilePermissions(net, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ChildProcess first = ChildProcess.java("owner", env, Probe.class.getName(), "bind", "127.0.0.11:7000")) {
            first.expect("BOUND /127.0.0.11:7000");
            first.succeeds();
        }
        Path table = net.resolve("swrap.table");
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(table));
        assumeTrue(!mode.endsWith("rw-"), "the table is writable by everyone under this umask: " + mode);
        try (ChildProcess nobody = ChildProcess.command("nobody", env, List.of("/usr/bin/setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups", ChildProcess.JAVA, "-javaagent:" + ChildProcess.agentJar(),
                "--enable-native-access=ALL-UNNAMED", "-version"))) {
            assertEquals(1, nobody.waitFor(), nobody.stderr());
            assertTrue(nobody.stderr().startsWith("swrap-agent: cannot wrap sockets: " + table
                    + ": permission denied: mode " + mode + ", owner root:root; this process runs as nobody and every"
                    + " process of one network needs read and write access to it"), nobody.stderr());
            assertFalse(nobody.stderr().contains("incompatible"), nobody.stderr());
        }
    }

    /**
     * Left by killed processes: a table creator's {@code .init} file, and a socket file bound
     * but never recorded (a killed autobind). The next JVM under the agent removes both and
     * keeps a live socket's file.
     */
    @Test
    void leftoversOfKilledProcessesAreReclaimedAtStart() throws Exception {
        Map<String, String> env = env(11);
        Path net = dir.resolve("net");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path init = Files.createFile(net.resolve(".swrap.table." + gone.pid() + ".x7.init"));
        Path autobound = net.resolve("T153A98"); // 127.0.0.21:15000, an autobind name
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(autobound));
        }
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(net.resolve("T0C1B58")));
            try (ChildProcess p = ChildProcess.java("reclaim", env, Probe.class.getName(), "bind", "127.0.0.11:7000")) {
                p.expect("BOUND /127.0.0.11:7000");
                p.succeeds();
            }
            assertFalse(Files.exists(init), "init file of a dead table creator");
            assertFalse(Files.exists(autobound), "socket file no live socket is bound to");
            assertTrue(Files.exists(net.resolve("T0C1B58")), "a live socket's file stays");
        }
    }
}
