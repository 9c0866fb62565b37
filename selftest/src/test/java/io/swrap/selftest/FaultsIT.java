package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketView;
import io.swrap.agent.table.TableSnapshot;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected from outside the processes, without root, through {@code scripts/swrap} and
 * {@link SwrapNetwork}: a line echo server (java.net.Socket) on 127.0.0.11 and PingClient
 * connections (blocking Socket, non-blocking channel under a Selector) from 127.0.0.21, in JVMs
 * under the agent.
 */
class FaultsIT {
    private static final String SWRAP = Path.of("..", "scripts", "swrap").toAbsolutePath().normalize().toString();
    private static final String SERVER = "127.0.0.11:7600";
    /** How long a stalled connection is watched for a line that must not come. */
    private static final long QUIET_MS = 1500;
    /** Longer than the agent's poll (10 ms) and watcher (100 ms) periods and a ping period (100 ms). */
    private static final long SETTLE_MS = 600;

    @TempDir
    Path dir;

    private ChildProcess server() throws Exception {
        ChildProcess s = ChildProcess.java("echo-server", ChildProcess.net(dir, 11), EchoServer.class.getName(), "socket",
                SERVER);
        s.expect("LISTENING .*");
        return s;
    }

    private ChildProcess pinger(String mode) throws Exception {
        return ChildProcess.java("ping-" + mode, ChildProcess.net(dir, 21), PingClient.class.getName(), mode, SERVER);
    }

    /** The table index of the client socket on local port {@code port} (the IDX of swrap ls). */
    private int index(int port) throws Exception {
        for (SocketView s : TableSnapshot.read(dir.toRealPath()).sockets()) {
            if (s.local() != null && s.local().getPort() == port && s.peer() != null && s.peer().getPort() == 7600) {
                return s.index();
            }
        }
        throw new AssertionError("no client socket on port " + port + " in " + TableSnapshot.read(dir.toRealPath()));
    }

    private static int localPort(ChildProcess client) throws Exception {
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
    private static void assertStalled(ChildProcess client, String what) throws Exception {
        Thread.sleep(SETTLE_MS); // a ping already past the fault may still be echoed
        int before = client.stdout().size();
        Thread.sleep(QUIET_MS);
        List<String> out = client.stdout();
        assertEquals(before, out.size(), what + ": no data may flow, but the client printed " + out.subList(before, out.size()));
        assertTrue(client.alive(), what + ": nothing is closed");
    }

    @Test
    void linkDownRefusesConnectsAndStallsConnectionsUntilUpCli() throws Exception {
        try (ChildProcess _ = server(); ChildProcess blocking = pinger("socket"); ChildProcess nio = pinger("selector")) {
            localPort(blocking);
            localPort(nio);
            swrap("link", dir.toString(), "11", "down");
            try (ChildProcess c = ChildProcess.java("connect-while-down", ChildProcess.net(dir, 22),
                    EchoClient.class.getName(), "socket", SERVER)) {
                c.expect("FAILED java\\.net\\.NoRouteToHostException: No route to host: 127\\.0\\.0\\.11:7600: fake interface"
                        + " 11 is down .*");
            }
            assertStalled(blocking, "link 11 down, blocking socket");
            assertStalled(nio, "link 11 down, selector");
            swrap("link", dir.toString(), "11", "up");
            blocking.expect("ECHO ping \\d+");
            nio.expect("ECHO ping \\d+");
            try (ChildProcess c = ChildProcess.java("connect-after-up", ChildProcess.net(dir, 22),
                    EchoClient.class.getName(), "socket", SERVER)) {
                c.expect("ECHO hello from \\d+");
            }
            assertTrue(!Files.exists(dir.resolve("swrap.links.down")), "no interface is down any more");
        }
    }

    @Test
    void blackholeStopsDataBothWaysAndResumesApiAndCli() throws Exception {
        try (ChildProcess _ = server(); ChildProcess blocking = pinger("socket"); ChildProcess nio = pinger("selector");
             SwrapNetwork net = SwrapNetwork.open(dir)) {
            int b = index(localPort(blocking));
            int n = index(localPort(nio));
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
    void linkDownAndUpThroughTheApi() throws Exception {
        try (ChildProcess _ = server(); ChildProcess nio = pinger("selector"); SwrapNetwork net = SwrapNetwork.open(dir)) {
            localPort(nio);
            assertEquals(2, net.link(21).down().size(), "the client's socket and the server's accepted one are on 21");
            assertStalled(nio, "link 21 down (API)");
            try (ChildProcess c = ChildProcess.java("connect-from-down", ChildProcess.net(dir, 21),
                    EchoClient.class.getName(), "socket", SERVER)) {
                c.expect("FAILED java\\.net\\.NoRouteToHostException: .*fake interface 21 is down.*");
            }
            net.link(21).up();
            nio.expect("ECHO ping \\d+");
        }
    }

    @Test
    void killResetsBothWrappedEnds() throws Exception {
        try (ChildProcess server = server(); ChildProcess blocking = pinger("socket"); ChildProcess nio = pinger("selector");
             SwrapNetwork net = SwrapNetwork.open(dir)) {
            int b = index(localPort(blocking));
            int n = index(localPort(nio));
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
