package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketView;
import io.swrap.junit.SwrapEnv;
import io.swrap.junit.SwrapNet;
import io.swrap.junit.SwrapProcess;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.PingClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Faults injected from outside the processes, without root, through {@code scripts/swrap} and
 * {@link SwrapNetwork}: a line echo server (java.net.Socket) on 127.0.0.11 and PingClient
 * connections (blocking Socket, non-blocking channel under a Selector) from 127.0.0.21, in JVMs
 * under the agent, each test in its own network (swrap-junit).
 */
@SwrapNet(perTest = true, capture = false)
class FaultsIT {
    private static final String SWRAP = Path.of("..", "scripts", "swrap").toAbsolutePath().normalize().toString();
    private static final String SERVER = "127.0.0.11:7600";
    /** How long a stalled connection is watched for a line that must not come. */
    private static final long QUIET_MS = 1500;
    /** Longer than the agent's poll (10 ms) and watcher (100 ms) periods and a ping period (100 ms). */
    private static final long SETTLE_MS = 600;

    private static SwrapProcess server(SwrapEnv net) throws Exception {
        SwrapProcess s = net.java("echo-server", 11, EchoServer.class, "socket", SERVER);
        net.awaitListener("127.0.0.11", 7600);
        return s;
    }

    private static SwrapProcess pinger(SwrapEnv net, String mode) throws Exception {
        return net.java("ping-" + mode, 21, PingClient.class, mode, SERVER);
    }

    /** The table index of the client socket on local port {@code port} (the IDX of swrap ls). */
    private static int index(SwrapEnv net, int port) throws Exception {
        for (SocketView s : net.sockets()) {
            if (s.local() != null && s.local().getPort() == port && s.peer() != null && s.peer().getPort() == 7600) {
                return s.index();
            }
        }
        throw new AssertionError("no client socket on port " + port + " in " + net.sockets());
    }

    private static int localPort(SwrapProcess client) throws Exception {
        Matcher m = client.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+)");
        client.expect("ECHO ping \\d+");
        return Integer.parseInt(m.group(1));
    }

    private static void swrap(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(SWRAP));
        cmd.addAll(List.of(args));
        try (ChildProcess p = ChildProcess.command("swrap " + args[0], Map.of("SWRAP_NO_BUILD", "1"), cmd)) {
            p.succeeds();
        }
    }

    /** Asserts that {@code client} prints no ECHO while the connection is stalled. */
    private static void assertStalled(SwrapProcess client, String what) throws Exception {
        Thread.sleep(SETTLE_MS); // a ping already past the fault may still be echoed
        int before = client.stdout().size();
        Thread.sleep(QUIET_MS);
        List<String> out = client.stdout();
        assertEquals(before, out.size(), what + ": no data may flow, but the client printed " + out.subList(before, out.size()));
        assertTrue(client.alive(), what + ": nothing is closed");
    }

    @Test
    void linkDownRefusesConnectsAndStallsConnectionsUntilUpCli(SwrapEnv net) throws Exception {
        server(net);
        SwrapProcess blocking = pinger(net, "socket");
        SwrapProcess nio = pinger(net, "selector");
        Path dir = net.dir();
        localPort(blocking);
        localPort(nio);
        swrap("link", dir.toString(), "11", "down");
        net.java("connect-while-down", 22, EchoClient.class, "socket", SERVER)
                .expect("FAILED java\\.net\\.NoRouteToHostException: No route to host: 127\\.0\\.0\\.11:7600: fake interface"
                        + " 11 is down .*");
        assertStalled(blocking, "link 11 down, blocking socket");
        assertStalled(nio, "link 11 down, selector");
        swrap("link", dir.toString(), "11", "up");
        blocking.expect("ECHO ping \\d+");
        nio.expect("ECHO ping \\d+");
        net.java("connect-after-up", 22, EchoClient.class, "socket", SERVER).expect("ECHO hello from \\d+");
        assertTrue(!Files.exists(dir.resolve("swrap.links.down")), "no interface is down any more");
    }

    @Test
    void blackholeStopsDataBothWaysAndResumesApiAndCli(SwrapEnv env) throws Exception {
        server(env);
        SwrapProcess blocking = pinger(env, "socket");
        SwrapProcess nio = pinger(env, "selector");
        Path dir = env.dir();
        try (SwrapNetwork net = env.faults()) {
            int b = index(env, localPort(blocking));
            int n = index(env, localPort(nio));
            assertEquals(2, net.socket(b).blackhole().size(), "the client socket and the server's accepted one");
            assertStalled(blocking, "blackholed blocking socket");
            nio.expect("ECHO ping \\d+"); // the other connection is untouched
            swrap("blackhole", dir.toString(), Integer.toString(n));
            assertStalled(nio, "blackholed selector (CLI)");
            net.socket(b).unblackhole();
            swrap("unblackhole", dir.toString(), Integer.toString(n));
            blocking.expect("ECHO ping \\d+");
            nio.expect("ECHO ping \\d+");
        }
    }

    @Test
    void linkDownAndUpThroughTheApi(SwrapEnv env) throws Exception {
        server(env);
        SwrapProcess nio = pinger(env, "selector");
        try (SwrapNetwork net = env.faults()) {
            localPort(nio);
            assertEquals(2, net.link(21).down().size(), "the client's socket and the server's accepted one are on 21");
            assertStalled(nio, "link 21 down (API)");
            env.java("connect-from-down", 21, EchoClient.class, "socket", SERVER)
                    .expect("FAILED java\\.net\\.NoRouteToHostException: .*fake interface 21 is down.*");
            net.link(21).up();
            nio.expect("ECHO ping \\d+");
        }
    }

    @Test
    void killResetsBothWrappedEnds(SwrapEnv env) throws Exception {
        SwrapProcess server = server(env);
        SwrapProcess blocking = pinger(env, "socket");
        SwrapProcess nio = pinger(env, "selector");
        Path dir = env.dir();
        try (SwrapNetwork net = env.faults()) {
            int b = index(env, localPort(blocking));
            int n = index(env, localPort(nio));
            swrap("kill", dir.toString(), Integer.toString(b));
            blocking.expect("ERROR java\\.net\\.SocketException: Connection reset");
            server.expect("ERROR java\\.net\\.SocketException: Connection reset");
            nio.expect("ECHO ping \\d+"); // the other connection is untouched
            assertEquals(2, net.socket(n).reset().size());
            nio.expect("ERROR java\\.net\\.SocketException: Connection reset");
            server.expect("ERROR java\\.net\\.SocketException: Connection reset");
            blocking.succeeds();
            nio.succeeds();
        }
    }
}
