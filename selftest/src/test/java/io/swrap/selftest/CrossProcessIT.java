package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.junit.SwrapEnv;
import io.swrap.junit.SwrapNet;
import io.swrap.junit.SwrapProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.HttpPeers;
import java.nio.file.Files;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unmodified Java programs in separate JVMs under the agent talk across the fake network: servers
 * on interfaces 11 and 12, clients on interface 21, and each end sees the other's fake address; each
 * test in its own network (swrap-junit).
 */
@SwrapNet(perTest = true, capture = false)
class CrossProcessIT {
    @ParameterizedTest(name = "{0} server, every client API, two interfaces")
    @ValueSource(strings = {"socket", "nio", "netty"})
    void serverOnTwoInterfacesClientsOnAThird(String serverApi, SwrapEnv net) throws Exception {
        try (SwrapProcess server = net.java("server", 11, EchoServer.class, serverApi,
                "127.0.0.11:7000", "127.0.0.12:7000")) {
            server.expect("LISTENING /127.0.0.11:7000");
            server.expect("LISTENING /127.0.0.12:7000");
            assertTrue(Files.exists(net.dir().resolve("T0B1B58")), "listener file T0B1B58 for 127.0.0.11:7000");
            assertTrue(Files.exists(net.dir().resolve("T0C1B58")), "listener file T0C1B58 for 127.0.0.12:7000");
            for (String clientApi : new String[] {"socket", "nio", "netty"}) {
                for (int iface : new int[] {11, 12}) {
                    echoRoundTrip(net, server, clientApi, "127.0.0." + iface, "/127.0.0." + iface + ":7000");
                }
            }
        }
    }

    private static void echoRoundTrip(SwrapEnv net, SwrapProcess server, String clientApi, String host, String serverAddr) throws Exception {
        try (SwrapProcess client = net.java("client-" + clientApi + "-" + host, 21, EchoClient.class, clientApi, host + ":7000")) {
            Matcher c = client.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+) remote=(\\S+).*");
            assertEquals(serverAddr, c.group(2), clientApi + " client's remote address");
            String port = c.group(1);
            Matcher e = client.expect("(ECHO|FAILED) (.*)");
            assertEquals("ECHO", e.group(1), e.group(0));
            assertTrue(e.group(2).startsWith("hello from "), e.group(0));
            Matcher s = server.expect("ACCEPTED local=(\\S+) peer=(\\S+).*");
            assertEquals(serverAddr, s.group(1), "server's local address of the accepted connection");
            assertEquals("/127.0.0.21:" + port, s.group(2), "server sees the client's fake address and port");
            client.succeeds();
        }
    }

    @Test
    void plainSocketAcceptReportsFakePeerThroughEveryAccessor(SwrapEnv net) throws Exception {
        try (SwrapProcess server = net.java("server", 11, EchoServer.class, "socket",
                "127.0.0.11:7001");
             SwrapProcess client = startedClient(net, server, "socket", "127.0.0.11:7001")) {
            Matcher c = client.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+) remote=/127\\.0\\.0\\.11:7001"
                    + " localaddr=/127\\.0\\.0\\.21 localport=(\\d+)");
            assertEquals(c.group(1), c.group(2));
            server.expect("ACCEPTED local=/127\\.0\\.0\\.11:7001 peer=/127\\.0\\.0\\.21:" + c.group(1)
                    + " inet=/127\\.0\\.0\\.21 port=" + c.group(1) + " localport=7001");
            client.expect("ECHO hello from \\d+");
            client.succeeds();
        }
    }

    private static SwrapProcess startedClient(SwrapEnv net, SwrapProcess server, String api, String addr) throws Exception {
        server.expect("LISTENING .*");
        return net.java("client", 21, EchoClient.class, api, addr);
    }

    @ParameterizedTest(name = "IPv6 {0}")
    @ValueSource(strings = {"socket", "nio", "netty"})
    void ipv6(String api, SwrapEnv net) throws Exception {
        try (SwrapProcess server = net.java("server6", 11, EchoServer.class, api,
                "[fd00::5357:5f0b]:7002")) {
            server.expect("LISTENING /\\[fd00:0:0:0:0:0:5357:5f0b\\]:7002");
            assertTrue(Files.exists(net.dir().resolve("X0B1B5A")), "IPv6 listener file X0B1B5A");
            try (SwrapProcess client = net.java("client6", 21, EchoClient.class, api,
                    "[fd00::5357:5f0b]:7002")) {
                Matcher c = client.expect("CONNECTED local=/\\[fd00:0:0:0:0:0:5357:5f15\\]:(\\d+)"
                        + " remote=/\\[fd00:0:0:0:0:0:5357:5f0b\\]:7002.*");
                client.expect("ECHO hello from \\d+");
                server.expect("ACCEPTED local=/\\[fd00:0:0:0:0:0:5357:5f0b\\]:7002 peer=/\\[fd00:0:0:0:0:0:5357:5f15\\]:"
                        + c.group(1) + ".*");
                client.succeeds();
            }
        }
    }

    @Test
    void httpClientToHttpServer(SwrapEnv net) throws Exception {
        try (SwrapProcess server = net.java("http-server", 11, HttpPeers.class, "server",
                "127.0.0.11:8080")) {
            server.expect("LISTENING /127.0.0.11:8080");
            try (SwrapProcess client = net.java("http-client", 21, HttpPeers.class, "client",
                    "http://127.0.0.11:8080/hello")) {
                for (int i = 0; i < 3; i++) {
                    client.expect("HTTP 200 server=/127\\.0\\.0\\.11:8080 client=/127\\.0\\.0\\.21:\\d+");
                }
                client.succeeds();
            }
        }
    }
}
