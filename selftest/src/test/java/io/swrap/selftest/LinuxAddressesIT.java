package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.Probe;
import io.swrap.selftest.peers.WildcardClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses as Linux reports them: wildcard clients after connect, dual-stack listeners. Real processes. */
class LinuxAddressesIT {
    @TempDir
    Path dir;

    @Test
    void wildcardBoundClientReportsTheConcreteAddressAfterConnect() throws Exception {
        // a C server (python3 under libsocket_wrapper) sees the Java client at the address it reports
        try (ChildProcess server = ChildProcess.cPeer("c-server", ChildProcess.net(dir, 11), "echo_server.py",
                "127.0.0.11", "7200")) {
            server.expect("LISTENING 127.0.0.11:7200");
            try (ChildProcess client = ChildProcess.java("wildcard", ChildProcess.net(dir, 20),
                    WildcardClient.class.getName(), "127.0.0.11:7200", "0.0.0.0:0")) {
                Matcher nio = client.expect("NIO bound=/0\\.0\\.0\\.0:(\\d+) local=/127\\.0\\.0\\.20:(\\d+)");
                assertEquals(nio.group(1), nio.group(2), "same port before and after connect");
                server.expect("ACCEPTED local=127.0.0.11:7200 peer=127.0.0.20:" + nio.group(2));
                Matcher so = client.expect("SOCKET bound=\\S*/0\\.0\\.0\\.0:(\\d+) local=/127\\.0\\.0\\.20:(\\d+)"
                        + " address=/127\\.0\\.0\\.20");
                assertEquals(so.group(1), so.group(2), "same port before and after connect");
                server.expect("ACCEPTED local=127.0.0.11:7200 peer=127.0.0.20:" + so.group(2));
                Matcher netty = client.expect("NETTY local=/127\\.0\\.0\\.20:(\\d+)");
                server.expect("ACCEPTED local=127.0.0.11:7200 peer=127.0.0.20:" + netty.group(1));
                client.succeeds();
            }
        }
    }

    @Test
    void wildcardBoundIpv6ClientReportsTheConcreteAddressAfterConnect() throws Exception {
        try (ChildProcess server = ChildProcess.java("server", ChildProcess.net(dir, 11), EchoServer.class.getName(),
                "nio", "[fd00::5357:5f0b]:7201")) {
            server.expect("LISTENING .*7201");
            try (ChildProcess client = ChildProcess.java("wildcard6", ChildProcess.net(dir, 20),
                    WildcardClient.class.getName(), "[fd00::5357:5f0b]:7201", "[::]:0")) {
                Matcher nio = client.expect("NIO bound=/\\[0:0:0:0:0:0:0:0\\]:(\\d+)"
                        + " local=/\\[fd00:0:0:0:0:0:5357:5f14\\]:(\\d+)");
                assertEquals(nio.group(1), nio.group(2));
                server.expect("ACCEPTED local=/\\[fd00:0:0:0:0:0:5357:5f0b\\]:7201"
                        + " peer=/\\[fd00:0:0:0:0:0:5357:5f14\\]:" + nio.group(2));
                client.succeeds();
            }
        }
    }

    /**
     * A listener on [::] takes IPv4 clients as on Linux; the JDK there reports both ends of such a
     * connection as IPv4 (Inet4Address, checked against a real dual-stack socket on JDK 25).
     */
    @Test
    void ipv6WildcardListenerAcceptsIpv4ClientsOfJavaAndC() throws Exception {
        for (String api : List.of("nio", "socket", "netty")) {
            Path net = Files.createDirectories(dir.resolve(api));
            try (ChildProcess server = ChildProcess.java("dual-" + api, ChildProcess.net(net, 11),
                    EchoServer.class.getName(), api, "[::]:7300")) {
                server.expect("LISTENING /(\\[0:0:0:0:0:0:0:0\\]|0:0:0:0:0:0:0:0):7300");
                try (ChildProcess java4 = ChildProcess.java("java-v4", ChildProcess.net(net, 21),
                        EchoClient.class.getName(), "nio", "127.0.0.11:7300")) {
                    Matcher c = java4.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+) remote=/127\\.0\\.0\\.11:7300");
                    java4.expect("ECHO hello from \\d+");
                    server.expect("ACCEPTED local=/127.0.0.11:7300 peer=/127.0.0.21:" + c.group(1) + ".*");
                    java4.succeeds();
                }
                try (ChildProcess c4 = ChildProcess.cPeer("c-v4", ChildProcess.net(net, 22), "echo_client.py",
                        "127.0.0.11", "7300")) {
                    Matcher c = c4.expect("CONNECTED local=127\\.0\\.0\\.22:(\\d+) remote=127\\.0\\.0\\.11:7300");
                    c4.expect("ECHO hello from python");
                    server.expect("ACCEPTED local=/127.0.0.11:7300 peer=/127.0.0.22:" + c.group(1) + ".*");
                    c4.succeeds();
                }
                try (ChildProcess c6 = ChildProcess.cPeer("c-v6", ChildProcess.net(net, 23), "echo_client.py",
                        "fd00::5357:5f0b", "7300", "v6")) {
                    Matcher c = c6.expect("CONNECTED local=fd00::5357:5f17:(\\d+) remote=fd00::5357:5f0b:7300");
                    c6.expect("ECHO hello from python");
                    server.expect("ACCEPTED local=/\\[?fd00:0:0:0:0:0:5357:5f0b\\]?:7300"
                            + " peer=/\\[?fd00:0:0:0:0:0:5357:5f17\\]?:" + c.group(1) + ".*");
                    c6.succeeds();
                }
                // Linux refuses an IPv4 listener on the port of a live dual-stack one
                try (ChildProcess v4 = ChildProcess.java("v4-bind", ChildProcess.net(net, 11), Probe.class.getName(),
                        "bind", "127.0.0.11:7300")) {
                    v4.expect("BIND java.net.BindException: Address already in use: 127.0.0.11:7300 .*");
                    v4.succeeds();
                }
                assertEquals(List.of("T0B1C84", "X0B1C84"), socketFiles(net), "IPv6 name and its IPv4 twin");
            }
            assertEquals(List.of(), socketFiles(net), "both names unlinked when the listener's JVM is gone");
        }
    }

    /** [::]:0 takes a port free for IPv4 too, and IPv4 clients reach it there. */
    @Test
    void ipv6WildcardListenerOnAnEphemeralPortIsDualStack() throws Exception {
        try (ChildProcess server = ChildProcess.java("dual-ephemeral", ChildProcess.net(dir, 11),
                EchoServer.class.getName(), "nio", "[::]:0")) {
            Matcher listening = server.expect("LISTENING /\\[0:0:0:0:0:0:0:0\\]:(\\d+)");
            String port = listening.group(1);
            try (ChildProcess client = ChildProcess.java("java-v4", ChildProcess.net(dir, 21),
                    EchoClient.class.getName(), "socket", "127.0.0.11:" + port)) {
                Matcher c = client.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+) remote=/127\\.0\\.0\\.11:" + port + ".*");
                client.expect("ECHO hello from \\d+");
                server.expect("ACCEPTED local=/127.0.0.11:" + port + " peer=/127.0.0.21:" + c.group(1) + ".*");
                client.succeeds();
            }
            String hex = String.format("0B%04X", Integer.parseInt(port));
            assertEquals(List.of("T" + hex, "X" + hex), socketFiles(dir).stream()
                    .filter(n -> n.startsWith("T0B") || n.startsWith("X0B")).toList());
        }
    }

    private static List<String> socketFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[TUXY][0-9A-F]{6}")).sorted().toList();
        }
    }
}
