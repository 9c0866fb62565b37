package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.peers.UdpPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP under the agent, as C socket_wrapper has it: Java servers and clients over every JDK
 * datagram API, C peers (CPython under libsocket_wrapper) both ways, broadcast, and the
 * failures. Replies must come from the server's fake address (127.0.0.10:7, as in C's own tests).
 */
class UdpIT {
    private static final String PEER = UdpPeer.class.getName();
    /**
     * A client's local address: a DatagramSocket binds the wildcard explicitly and reports it, as
     * on Linux; a channel that sends unbound is autobound to interface 21.
     */
    private static final String LOCAL_21 = "/(?:127\\.0\\.0\\.21|0\\.0\\.0\\.0):(\\d+)";

    @TempDir
    Path dir;

    @BeforeAll
    static void peersInstalled() {
        // throws, naming the package to install, when libsocket-wrapper is missing (scripts/test installs it)
        assertTrue(Files.exists(DebianLibs.libsocketWrapper()), DebianLibs.libsocketWrapper() + " missing");
        assertTrue(Files.isExecutable(Path.of(ChildProcess.PYTHON)), ChildProcess.PYTHON + " missing: apt-get install -y python3");
    }

    @Test
    void javaServerAndJavaClientsOverEveryApi() throws Exception {
        String[][] pairs = {
            {"socket", "socket"}, {"socket", "multicastsocket"}, {"socket", "channel"}, {"socket", "connected"},
            {"selector", "selector"}, {"channel", "socket"},
        };
        for (String[] pair : pairs) {
            try (ChildProcess server = ChildProcess.java("udp-server-" + pair[0], ChildProcess.net(dir, 10), PEER,
                    "server", pair[0], "127.0.0.10:7")) {
                server.expect("BOUND /127\\.0\\.0\\.10:7");
                assertTrue(Files.exists(dir.resolve("U0A0007")), "the server's name is C's U0A0007");
                try (ChildProcess client = ChildProcess.java("udp-client-" + pair[1], ChildProcess.net(dir, 21), PEER,
                        "client", pair[1], "127.0.0.10:7")) {
                    Matcher reply = client.expect("(REPLY|FAILED) .*");
                    Matcher m = java.util.regex.Pattern.compile(
                            "REPLY hello from \\d+ from /127\\.0\\.0\\.10:7 local=" + LOCAL_21)
                            .matcher(reply.group());
                    assertTrue(m.matches(), pair[0] + " <- " + pair[1] + ": " + reply.group());
                    server.expect("ECHOED \\d+ from /127\\.0\\.0\\.21:" + m.group(1));
                    client.succeeds();
                }
                if (pair[0].equals("socket") && pair[1].equals("socket")) {
                    List<String> ls = TableIT.swrap("ls", dir);
                    assertTrue(ls.stream().anyMatch(l -> l.matches(".*\\budp\\s+UNCONN\\s+127\\.0\\.0\\.10:7\\s+-\\s+U0A0007.*")),
                            "swrap ls shows the UDP server: " + ls);
                }
            }
            assertFalse(Files.exists(dir.resolve("U0A0007")), "the server's exit unlinked U0A0007");
        }
    }

    @Test
    void connectedDatagramSocketReportsItsConcreteAddressUntilDisconnect() throws Exception {
        try (ChildProcess server = ChildProcess.java("udp-server", ChildProcess.net(dir, 10), PEER,
                "server", "socket", "127.0.0.10:7")) {
            server.expect("BOUND /127\\.0\\.0\\.10:7");
            try (ChildProcess c = ChildProcess.java("udp-client-socketconnected", ChildProcess.net(dir, 21), PEER,
                    "client", "socketconnected", "127.0.0.10:7")) {
                Matcher m = c.expect("SENT local=/127\\.0\\.0\\.21:(\\d+) remote=/127\\.0\\.0\\.10:7");
                c.expect("REPLY hello from \\d+ from /127\\.0\\.0\\.10:7 local=/127\\.0\\.0\\.21:" + m.group(1));
                server.expect("ECHOED \\d+ from /127\\.0\\.0\\.21:" + m.group(1));
                c.expect("DISCONNECTED local=/0\\.0\\.0\\.0:" + m.group(1) + " connected=false");
                c.succeeds();
            }
        }
    }

    @Test
    void ipv6JavaServerAndClients() throws Exception {
        for (String server : new String[] {"channel", "socket"}) {
            try (ChildProcess s = ChildProcess.java("udp6-server", ChildProcess.net(dir, 10), PEER,
                    "server", server, "[fd00::5357:5f0a]:7")) {
                s.expect("BOUND /\\[fd00:0:0:0:0:0:5357:5f0a\\]:7");
                assertTrue(Files.exists(dir.resolve("Y0A0007")), "the server's name is C's Y0A0007");
                for (String api : new String[] {"selector", "connected"}) {
                    try (ChildProcess c = ChildProcess.java("udp6-client-" + api, ChildProcess.net(dir, 21), PEER,
                            "client", api, "[fd00::5357:5f0a]:7")) {
                        Matcher m = c.expect("REPLY hello from \\d+ from /\\[fd00:0:0:0:0:0:5357:5f0a\\]:7"
                                + " local=/(\\S+):(\\d+)");
                        assertEquals("[fd00:0:0:0:0:0:5357:5f15]", m.group(1), "autobound to interface 21");
                        s.expect("ECHOED \\d+ from /\\[fd00:0:0:0:0:0:5357:5f15\\]:" + m.group(2));
                        c.succeeds();
                    }
                }
            }
        }
    }

    @Test
    void cClientAndJavaServer() throws Exception {
        try (ChildProcess j = ChildProcess.java("udp-java-server", ChildProcess.net(dir, 10), PEER,
                "server", "socket", "127.0.0.10:7")) {
            j.expect("BOUND /127\\.0\\.0\\.10:7");
            for (String mode : new String[] {"sendto", "connect"}) {
                try (ChildProcess c = ChildProcess.cPeer("udp-c-client-" + mode, ChildProcess.net(dir, 31), "udp_client.py",
                        "127.0.0.10", "7", mode)) {
                    Matcher sent = c.expect("SENT local=127\\.0\\.0\\.31:(\\d+)");
                    c.expect("REPLY hello from python from 127\\.0\\.0\\.10:7");
                    j.expect("ECHOED 17 from /127\\.0\\.0\\.31:" + sent.group(1));
                    c.succeeds();
                }
            }
        }
        try (ChildProcess j = ChildProcess.java("udp6-java-server", ChildProcess.net(dir, 10), PEER,
                "server", "selector", "[fd00::5357:5f0a]:7")) {
            j.expect("BOUND .*");
            try (ChildProcess c = ChildProcess.cPeer("udp6-c-client", ChildProcess.net(dir, 31), "udp_client.py",
                    "fd00::5357:5f0a", "7", "v6")) {
                Matcher sent = c.expect("SENT local=fd00::5357:5f1f:(\\d+)");
                c.expect("REPLY hello from python from fd00::5357:5f0a:7");
                j.expect("ECHOED 17 from /\\[fd00:0:0:0:0:0:5357:5f1f\\]:" + sent.group(1));
                c.succeeds();
            }
        }
    }

    @Test
    void javaClientsAndCServer() throws Exception {
        try (ChildProcess c = ChildProcess.cPeer("udp-c-server", ChildProcess.net(dir, 10), "udp_echo_server.py",
                "127.0.0.10", "7")) {
            c.expect("BOUND 127\\.0\\.0\\.10:7");
            assertTrue(Files.exists(dir.resolve("U0A0007")), "C socket_wrapper named the server U0A0007");
            for (String api : new String[] {"socket", "connected", "selector"}) {
                try (ChildProcess j = ChildProcess.java("udp-java-client-" + api, ChildProcess.net(dir, 21), PEER,
                        "client", api, "127.0.0.10:7")) {
                    Matcher m = j.expect("REPLY hello from \\d+ from /127\\.0\\.0\\.10:7 local=" + LOCAL_21);
                    c.expect("ECHOED \\d+ from 127\\.0\\.0\\.21:" + m.group(1));
                    j.succeeds();
                }
            }
        }
        try (ChildProcess c = ChildProcess.cPeer("udp6-c-server", ChildProcess.net(dir, 10), "udp_echo_server.py",
                "fd00::5357:5f0a", "7", "v6")) {
            c.expect("BOUND fd00::5357:5f0a:7");
            try (ChildProcess j = ChildProcess.java("udp6-java-client", ChildProcess.net(dir, 21), PEER,
                    "client", "channel", "[fd00::5357:5f0a]:7")) {
                Matcher m = j.expect("REPLY hello from \\d+ from /\\[fd00:0:0:0:0:0:5357:5f0a\\]:7 local=/\\S+:(\\d+)");
                c.expect("ECHOED \\d+ from fd00::5357:5f15:" + m.group(1));
                j.succeeds();
            }
        }
    }

    @Test
    void broadcastReachesEveryBoundSocketOfThePort() throws Exception {
        try (ChildProcess a = ChildProcess.java("bcast-11", ChildProcess.net(dir, 11), PEER, "listen", "127.0.0.11:7400");
             ChildProcess b = ChildProcess.java("bcast-wildcard-12", ChildProcess.net(dir, 12), PEER, "listen", "0.0.0.0:7400");
             ChildProcess c = ChildProcess.cPeer("bcast-c-13", ChildProcess.net(dir, 13), "udp_echo_server.py",
                     "127.0.0.13", "7400");
             ChildProcess other = ChildProcess.java("other-port", ChildProcess.net(dir, 14), PEER, "listen", "127.0.0.14:7401")) {
            a.expect("BOUND /127\\.0\\.0\\.11:7400");
            b.expect("BOUND /0\\.0\\.0\\.0:7400");
            c.expect("BOUND 127\\.0\\.0\\.13:7400");
            other.expect("BOUND /127\\.0\\.0\\.14:7401");
            for (String to : new String[] {"255.255.255.255", "127.0.0.255"}) {
                try (ChildProcess s = ChildProcess.java("broadcaster", ChildProcess.net(dir, 21), PEER, "broadcast", to + ":7400")) {
                    s.expect("NOBROADCAST java.net.BindException: Permission denied: broadcast to .* needs SO_BROADCAST.*");
                    Matcher sent = s.expect("BROADCAST \\d+ local=/127\\.0\\.0\\.21:(\\d+)");
                    String from = " from /127\\.0\\.0\\.21:" + sent.group(1);
                    a.expect("GOT broadcast to " + java.util.regex.Pattern.quote(to) + from);
                    b.expect("GOT broadcast to " + java.util.regex.Pattern.quote(to) + from);
                    c.expect("ECHOED \\d+ from 127\\.0\\.0\\.21:" + sent.group(1));
                    s.succeeds();
                }
            }
            assertTrue(a.stdout().stream().noneMatch(l -> l.contains("without SO_BROADCAST")), a.stdout().toString());
            assertTrue(other.stdout().stream().noneMatch(l -> l.startsWith("GOT")), "another port got nothing: "
                    + other.stdout());
        }
    }

    @Test
    void virtualThreadsAndCloseOfABlockedReceive() throws Exception {
        try (ChildProcess p = ChildProcess.java("udp-threads", ChildProcess.net(dir, 21), PEER, "threads", "127.0.0.10:7")) {
            p.expect("VTHREADS " + UdpPeer.CLIENTS + " of " + UdpPeer.CLIENTS);
            p.expect("AFTER CLOSE U0A0007 exists=false");
            p.expect("CLOSED java.net.SocketException: Socket closed");
            p.succeeds();
        }
    }

    @Test
    void anInheritedRealDatagramSocketIsRefused() throws Exception {
        // python3 without libsocket_wrapper hands the JVM a real UDP socket on 127.0.0.1 as stdin (inetd style)
        List<String> cmd = new java.util.ArrayList<>(List.of(ChildProcess.PYTHON, "-u",
                ChildProcess.resource("inherit_udp.py").toString(), ChildProcess.JAVA));
        cmd.addAll(ChildProcess.agentFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PEER, "inherited", "127.0.0.10:7"));
        try (ChildProcess p = ChildProcess.command("udp-inherited", ChildProcess.net(dir, 21), cmd)) {
            p.expect("REAL 127\\.0\\.0\\.1:\\d+");
            p.expect("SEND java.net.SocketException: swrap-agent: refusing to send on datagram socket fd \\d+: .*");
            p.expect("RECEIVE java.net.SocketException: swrap-agent: refusing to receive on datagram socket fd \\d+: .*");
            p.succeeds();
        }
    }

    @Test
    void unreachableRefusedAndMulticastJoin() throws Exception {
        // 127.1.2.3 is loopback but outside 127.0.0.0/24: even a broken agent could reach nothing remote
        try (ChildProcess p = ChildProcess.java("udp-unreachable", ChildProcess.net(dir, 21), PEER, "unreachable", "127.1.2.3:53")) {
            p.expect("SOCKET java.net.SocketException: Network is unreachable: 127.1.2.3 is outside .*");
            p.expect("CONNECT java.net.SocketException: Network is unreachable: 127.1.2.3 is outside .*");
            p.succeeds();
        }
        try (ChildProcess p = ChildProcess.java("udp-refused", ChildProcess.net(dir, 21), PEER, "refused", "127.0.0.11:7999")) {
            // as Linux: the send succeeds, the ICMP error comes with the next call; unconnected sends never hear of it
            p.expect("WRITE 1");
            p.expect("READ java.net.PortUnreachableException: .*127.0.0.11:7999");
            p.expect("UNCONNECTED SEND 1");
            p.succeeds();
        }
        try (ChildProcess p = ChildProcess.java("udp-join", ChildProcess.net(dir, 21), PEER, "join", "239.1.2.3")) {
            p.expect("MULTICASTSOCKET java.net.SocketException: swrap-agent: cannot join multicast group 239.1.2.3: .*");
            p.expect("OPTIONS default ttl=1 loopbackDisabled=false; set ttl=4 sameInterface=true");
            p.expect("CHANNEL java.net.SocketException: swrap-agent: cannot join multicast group 239.1.2.3: .*");
            p.succeeds();
        }
    }
}
