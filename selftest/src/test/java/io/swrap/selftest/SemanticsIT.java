package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.Probe;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the agent is stricter than C socket_wrapper, and how it fails: each checked in a child JVM. */
class SemanticsIT {
    @TempDir
    Path dir;

    @Test
    void validAddressWithoutListenerIsRefused() throws Exception {
        try (ChildProcess p = ChildProcess.java("refused", ChildProcess.net(dir, 21), Probe.class.getName(), "connect", "127.0.0.11:7999")) {
            p.expect("NIO java.net.ConnectException: Connection refused");
            p.expect("SOCKET java.net.ConnectException: Connection refused");
            p.succeeds();
        }
    }

    @Test
    void debugLevelLogsOneLinePerEventWithPid() throws Exception {
        Map<String, String> env = ChildProcess.net(dir, 21);
        env.put("SOCKET_WRAPPER_DEBUGLEVEL", "2");
        try (ChildProcess p = ChildProcess.java("debug", env, Probe.class.getName(), "bind", "127.0.0.11:7000")) {
            p.expect("BOUND /127.0.0.11:7000");
            p.succeeds();
            String pid = Long.toString(p.pid());
            assertTrue(p.stderr().contains("SWRAP_DEBUG[java:Probe (" + pid + ")] - swrap_bind: fd="), p.stderr());
            assertTrue(p.stderr().contains(" /127.0.0.11:7000 path=" + dir.toRealPath().resolve("T0B1B58")), p.stderr());
        }
    }

    @Test
    void addressOutsideTheFakeNetworkIsUnreachable() throws Exception {
        // 127.1.2.3 is loopback but outside 127.0.0.0/24: even a broken agent could reach nothing remote.
        try (ChildProcess p = ChildProcess.java("unreachable", ChildProcess.net(dir, 21), Probe.class.getName(), "connect", "127.1.2.3:80")) {
            p.expect("NIO java.net.SocketException: Network is unreachable: 127.1.2.3 is outside .*");
            p.expect("SOCKET java.net.SocketException: Network is unreachable: 127.1.2.3 is outside .*");
            p.succeeds();
        }
    }

    @Test
    void bindToALiveListenersAddressIsInUseAcrossProcesses() throws Exception {
        try (ChildProcess server = ChildProcess.java("server", ChildProcess.net(dir, 11), EchoServer.class.getName(), "nio", "127.0.0.11:7000")) {
            server.expect("LISTENING /127.0.0.11:7000");
            try (ChildProcess second = ChildProcess.java("second", ChildProcess.net(dir, 11), Probe.class.getName(), "bind", "127.0.0.11:7000")) {
                second.expect("BIND java.net.BindException: Address already in use: 127.0.0.11:7000 .*");
                second.succeeds();
            }
            try (ChildProcess wildcard = ChildProcess.java("wildcard", ChildProcess.net(dir, 11), Probe.class.getName(), "bind", "0.0.0.0:7000")) {
                wildcard.expect("BIND java.net.BindException: Address already in use: 0.0.0.0:7000 .*");
                wildcard.succeeds();
            }
            try (ChildProcess other = ChildProcess.java("other-iface", ChildProcess.net(dir, 11), Probe.class.getName(), "bind", "127.0.0.12:7000")) {
                other.expect("BOUND /127.0.0.12:7000");
                other.succeeds();
            }
        }
    }

    @Test
    void staleFileOfADeadSocketIsReclaimed() throws Exception {
        Path stale = dir.resolve("T0B1B58");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale), "closing a unix listener leaves its file behind");
        try (ChildProcess p = ChildProcess.java("reclaim", ChildProcess.net(dir, 11), Probe.class.getName(), "bind", "127.0.0.11:7000")) {
            p.expect("BOUND /127.0.0.11:7000");
            p.succeeds();
        }
    }

    @Test
    void bindOutsideTheFakeNetworkCannotAssign() throws Exception {
        try (ChildProcess p = ChildProcess.java("badbind", ChildProcess.net(dir, 11), Probe.class.getName(), "bind", "127.1.0.1:7000")) {
            p.expect("BIND java.net.BindException: Cannot assign requested address: 127.1.0.1 .*");
            p.succeeds();
        }
    }

    @Test
    void optionsAfUnixRejectsAreEmulated() throws Exception {
        try (ChildProcess p = ChildProcess.java("options", ChildProcess.net(dir, 11), Probe.class.getName(), "options")) {
            p.expect("SERVER SO_REUSEPORT=true SO_REUSEADDR=true");
            Matcher m = p.expect("CLIENT (.*)");
            String line = m.group(1);
            for (String fact : new String[] {"TCP_NODELAY=true", "SO_KEEPALIVE=true", "SO_LINGER=5", "IP_TOS=16",
                "TCP_KEEPIDLE=60", "Socket.getTcpNoDelay=true", "Socket.setTcpNoDelay(false)->false",
                "Socket.getTrafficClass=8"}) {
                assertTrue(line.contains(fact), fact + " in: " + line);
            }
            assertTrue(line.matches(".*SO_SNDBUF=\\d+.*"), line);
            p.succeeds();
        }
    }

    @Test
    void closeUnlinksListenerAndAutoboundNames() throws Exception {
        try (ChildProcess p = ChildProcess.java("lifecycle", ChildProcess.net(dir, 21), Probe.class.getName(), "lifecycle")) {
            Matcher open = p.expect("OPEN (\\S+) serversocket=0\\.0\\.0\\.0/0\\.0\\.0\\.0:(\\d+)");
            String[] names = open.group(1).split(",");
            assertEquals(3, names.length, "listener, ServerSocket and the client's autobound name: " + open.group(1));
            assertTrue(open.group(1).contains("T0B1CE8"), "listener 127.0.0.11:7400");
            int port = Integer.parseInt(open.group(2));
            assertTrue(port >= 5001 && port <= 9999, "bind to port 0 takes C's range 5001..9999: " + port);
            Matcher closed = p.expect("CLIENT-CLOSED (\\S+)");
            assertEquals(2, closed.group(1).split(",").length, "client's autobound file gone: " + closed.group(1));
            p.expect("ALL-CLOSED ");
            p.succeeds();
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.filter(f -> !f.getFileName().toString().equals("swrap.table")).count(),
                    "no socket file left in the socket directory");
        }
    }

    @Test
    void tableFullFailsWithTheLimitNamed() throws Exception {
        Map<String, String> env = ChildProcess.net(dir, 21);
        env.put("SOCKET_WRAPPER_MAX_SOCKETS", "3");
        try (ChildProcess p = ChildProcess.java("max", env, Probe.class.getName(), "max", "5")) {
            p.expect("OPENED 3");
            p.expect("FAILED java.net.SocketException: Too many open files in system: too many wrapped sockets"
                    + " \\(limit 3, SOCKET_WRAPPER_MAX_SOCKETS\\)");
            p.expect("REOPENED true");
            p.succeeds();
        }
    }

    @Test
    void withoutSocketWrapperDirTheJvmUsesRealSockets() throws Exception {
        try (ChildProcess p = ChildProcess.java("off", new HashMap<>(), Probe.class.getName(), "real")) {
            Matcher m = p.expect("REAL listener=(\\S+) kernel-tcp-listen=(\\w+) peer=(\\S+) client=(\\S+)");
            assertEquals("true", m.group(2), "a real TCP listener in /proc/net/tcp: " + m.group(0));
            p.succeeds();
            // nothing but the one warning that the JVM is not wrapped (IdentityIT checks its text)
            assertEquals(1, p.stderr().lines().count(), p.stderr());
            assertTrue(p.stderr().startsWith("swrap-agent: warning: SOCKET_WRAPPER_DIR is not set"), p.stderr());
        }
    }

    @Test
    void invalidSettingsStopTheJvmWithTheVariableNamed() throws Exception {
        Map<String, String> env = ChildProcess.net(dir, 99);
        try (ChildProcess p = ChildProcess.java("bad-iface", env, Probe.class.getName(), "real")) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains("SOCKET_WRAPPER_DEFAULT_IFACE=99 is out of range (expected: 1..64)"),
                    p.stderr());
        }
        env = ChildProcess.net(dir.resolve("missing"), 11);
        try (ChildProcess p = ChildProcess.java("bad-dir", env, Probe.class.getName(), "real")) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains("SOCKET_WRAPPER_DIR=" + dir.resolve("missing")
                    + ": not an existing directory"), p.stderr());
        }
        env = ChildProcess.net(dir, 11);
        env.put("SOCKET_WRAPPER_IPV4_NETWORK", "192.168.0.0");
        try (ChildProcess p = ChildProcess.java("bad-net", env, Probe.class.getName(), "real")) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains("SOCKET_WRAPPER_IPV4_NETWORK=192.168.0.0 is not supported"
                    + " (expected: 127.0.0.0 or 10.53.57.0)"), p.stderr());
        }
    }

    @Test
    void sambaNetwork10_53_57() throws Exception {
        Map<String, String> server = ChildProcess.net(dir, 11);
        server.put("SOCKET_WRAPPER_IPV4_NETWORK", "10.53.57.0");
        Map<String, String> client = ChildProcess.net(dir, 21);
        client.put("SOCKET_WRAPPER_IPV4_NETWORK", "10.53.57.0");
        try (ChildProcess s = ChildProcess.java("server", server, EchoServer.class.getName(), "nio", "10.53.57.11:445")) {
            s.expect("LISTENING /10.53.57.11:445");
            assertTrue(Files.exists(dir.resolve("T0B01BD")), "10.53.57.11:445 is T0B01BD, as in C");
            try (ChildProcess c = ChildProcess.java("client", client, EchoClient.class.getName(), "nio", "10.53.57.11:445")) {
                Matcher m = c.expect("CONNECTED local=/10\\.53\\.57\\.21:(\\d+) remote=/10\\.53\\.57\\.11:445");
                c.expect("ECHO hello from \\d+");
                s.expect("ACCEPTED local=/10\\.53\\.57\\.11:445 peer=/10\\.53\\.57\\.21:" + m.group(1));
                c.succeeds();
            }
        }
    }
}
