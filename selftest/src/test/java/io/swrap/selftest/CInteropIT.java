package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.junit.SwrapEnv;
import io.swrap.junit.SwrapNet;
import io.swrap.junit.SwrapProcess;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java under the agent and C programs under {@code LD_PRELOAD=libsocket_wrapper.so} (Debian's
 * libsocket-wrapper, driving CPython's socket module) share one fake network, both ways; each test in
 * its own network (swrap-junit).
 */
@SwrapNet(perTest = true, capture = false)
class CInteropIT {
    /** A C peer: {@code python3 -u SCRIPT ARGS} under libsocket_wrapper on interface {@code iface}. */
    private static SwrapProcess cPeer(SwrapEnv net, String name, int iface, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildProcess.PYTHON, "-u", ChildProcess.resource(script).toString()));
        cmd.addAll(List.of(args));
        return net.c(name, iface, cmd.toArray(String[]::new));
    }

    @BeforeAll
    static void peersInstalled() {
        // scripts/test installs both; missing peers must fail the run, never skip it.
        // throws, naming the package to install, when libsocket-wrapper is missing (scripts/test installs it)
        assertTrue(Files.exists(DebianLibs.libsocketWrapper()), DebianLibs.libsocketWrapper() + " missing");
        assertTrue(Files.isExecutable(Path.of(ChildProcess.PYTHON)), ChildProcess.PYTHON + " missing: apt-get install -y python3");
    }

    @Test
    void javaClientsConnectToACServer(SwrapEnv net) throws Exception {
        try (SwrapProcess c = cPeer(net, "c-server", 11, "echo_server.py", "127.0.0.11", "7100")) {
            c.expect("LISTENING 127.0.0.11:7100");
            assertTrue(Files.exists(net.dir().resolve("T0B1BBC")), "C socket_wrapper named the listener T0B1BBC");
            for (String api : new String[] {"socket", "nio", "netty"}) {
                try (SwrapProcess j = net.java("java-client-" + api, 21, EchoClient.class, api, "127.0.0.11:7100")) {
                    Matcher m = j.expect("CONNECTED local=/127\\.0\\.0\\.21:(\\d+) remote=/127\\.0\\.0\\.11:7100.*");
                    j.expect("ECHO hello from \\d+");
                    c.expect("ACCEPTED local=127\\.0\\.0\\.11:7100 peer=127\\.0\\.0\\.21:" + m.group(1));
                    j.succeeds();
                }
            }
        }
    }

    @Test
    void cClientConnectsToAJavaServer(SwrapEnv net) throws Exception {
        for (String api : new String[] {"socket", "nio", "netty"}) {
            try (SwrapProcess j = net.java("java-server-" + api, 11, EchoServer.class, api, "127.0.0.12:7200")) {
                j.expect("LISTENING /127.0.0.12:7200");
                try (SwrapProcess c = cPeer(net, "c-client-" + api, 31, "echo_client.py", "127.0.0.12", "7200")) {
                    Matcher m = c.expect("CONNECTED local=127\\.0\\.0\\.31:(\\d+) remote=127\\.0\\.0\\.12:7200");
                    c.expect("ECHO hello from python");
                    Matcher s = j.expect("ACCEPTED local=(\\S+) peer=(\\S+).*");
                    assertEquals("/127.0.0.12:7200", s.group(1));
                    assertEquals("/127.0.0.31:" + m.group(1), s.group(2), "Java sees the C client's fake address");
                    c.succeeds();
                }
            }
        }
    }

    @Test
    void ipv6BothWays(SwrapEnv net) throws Exception {
        try (SwrapProcess c = cPeer(net, "c-server6", 11, "echo_server.py", "fd00::5357:5f0b", "7300", "v6")) {
            c.expect("LISTENING fd00::5357:5f0b:7300");
            try (SwrapProcess j = net.java("java-client6", 21, EchoClient.class, "nio", "[fd00::5357:5f0b]:7300")) {
                Matcher m = j.expect("CONNECTED local=/\\[fd00:0:0:0:0:0:5357:5f15\\]:(\\d+) .*");
                j.expect("ECHO hello from \\d+");
                c.expect("ACCEPTED local=fd00::5357:5f0b:7300 peer=fd00::5357:5f15:" + m.group(1));
                j.succeeds();
            }
        }
        try (SwrapProcess j = net.java("java-server6", 12, EchoServer.class, "nio", "[fd00::5357:5f0c]:7301")) {
            net.awaitListener("fd00::5357:5f0c", 7301);
            try (SwrapProcess c = cPeer(net, "c-client6", 31, "echo_client.py", "fd00::5357:5f0c", "7301", "v6")) {
                Matcher m = c.expect("CONNECTED local=fd00::5357:5f1f:(\\d+) remote=fd00::5357:5f0c:7301");
                c.expect("ECHO hello from python");
                j.expect("ACCEPTED local=/\\[fd00:0:0:0:0:0:5357:5f0c\\]:7301 peer=/\\[fd00:0:0:0:0:0:5357:5f1f\\]:"
                        + m.group(1));
                c.succeeds();
            }
        }
    }
}
