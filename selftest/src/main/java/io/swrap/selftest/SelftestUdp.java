package io.swrap.selftest;

import io.swrap.selftest.Selftest.Row;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.UdpPeer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The main job's UDP rows: a Java UDP echo server under the agent (127.0.0.11:7 and
 * [fd00::5357:5f0b]:7) and a C one under libsocket_wrapper (127.0.0.15:7), Java and C clients,
 * and a broadcast that both servers must receive. Each row checks that the reply came from the
 * server's fake address and that the server saw the client's.
 */
final class SelftestUdp {
    private static final String PEER = UdpPeer.class.getName();

    private final Path dir;
    private final List<Row> rows;

    SelftestUdp(Path dir, List<Row> rows) {
        this.dir = dir;
        this.rows = rows;
    }

    void run() throws Exception {
        String java4 = "127.0.0." + Selftest.SERVER_IFACES[0] + ":" + Selftest.PORT;
        String java6 = "[fd00::5357:5f0b]:" + Selftest.PORT;
        String c4 = "127.0.0." + Selftest.C_SERVER_IFACE + ":" + Selftest.PORT;
        try (ChildProcess javaServer = ChildProcess.java("java-udp-server", ChildProcess.net(dir, Selftest.SERVER_IFACES[0]),
                PEER, "server", "selector", java4);
             ChildProcess javaServer6 = ChildProcess.java("java-udp-server-v6", ChildProcess.net(dir, Selftest.SERVER_IFACES[0]),
                     PEER, "server", "channel", java6);
             ChildProcess cServer = ChildProcess.cPeer("c-udp-server", ChildProcess.net(dir, Selftest.C_SERVER_IFACE),
                     "udp_echo_server.py", "127.0.0." + Selftest.C_SERVER_IFACE, Integer.toString(Selftest.PORT))) {
            javaServer.expect("BOUND .*");
            javaServer6.expect("BOUND .*");
            cServer.expect("BOUND .*");
            for (String api : new String[] {"channel", "connected", "selector"}) {
                javaClient(api, java4, "java-udp", javaServer);
            }
            cClient(java4, false, "java-udp", javaServer);
            javaClient("selector", java6, "java-udp", javaServer6);
            cClient("fd00::5357:5f0b:" + Selftest.PORT, true, "java-udp", javaServer6);
            for (String api : new String[] {"channel", "connected"}) {
                javaClient(api, c4, "c-python-udp", cServer);
            }
            broadcast(javaServer, cServer);
        }
    }

    private void javaClient(String api, String target, String serverName, ChildProcess server) throws Exception {
        String who = "java-udp-" + api;
        try (ChildProcess c = ChildProcess.java(who, ChildProcess.net(dir, Selftest.JAVA_CLIENT_IFACE), PEER,
                "client", api, target)) {
            Matcher m = c.expect("(REPLY hello from \\d+ from (\\S+) local=(\\S+)|FAILED .*)");
            if (m.group(2) == null) {
                rows.add(new Row(who, "-", target, serverName, "-", m.group(1)));
                return;
            }
            String saw = serverSaw(server);
            String from = Selftest.canonical(m.group(3));
            String replyFrom = Selftest.canonical(m.group(2));
            rows.add(new Row(who, from, replyFrom, serverName, saw, verdict(target, replyFrom, from, saw)));
            c.waitFor();
        } catch (AssertionError e) {
            rows.add(new Row(who, "-", target, serverName, "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    private void cClient(String target, boolean v6, String serverName, ChildProcess server) throws Exception {
        int colon = target.lastIndexOf(':');
        List<String> args = new ArrayList<>(List.of(target.substring(0, colon), target.substring(colon + 1)));
        if (v6) {
            args.add("v6");
        }
        try (ChildProcess c = ChildProcess.cPeer("c-python-udp", ChildProcess.net(dir, Selftest.C_CLIENT_IFACE),
                "udp_client.py", args.toArray(String[]::new))) {
            Matcher sent = c.expect("SENT local=(\\S+)");
            Matcher reply = c.expect("REPLY hello from python from (\\S+)");
            String saw = serverSaw(server);
            String from = Selftest.canonical(sent.group(1));
            String replyFrom = Selftest.canonical(reply.group(1));
            rows.add(new Row("c-python-udp", from, replyFrom, serverName, saw, verdict(target, replyFrom, from, saw)));
            c.waitFor();
        } catch (AssertionError e) {
            rows.add(new Row("c-python-udp", "-", target, serverName, "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    /** One broadcast to port 7 from interface 21: the Java and the C server must both receive it. */
    private void broadcast(ChildProcess javaServer, ChildProcess cServer) throws Exception {
        String to = "255.255.255.255:" + Selftest.PORT;
        try (ChildProcess c = ChildProcess.java("java-udp-broadcast", ChildProcess.net(dir, Selftest.JAVA_CLIENT_IFACE),
                PEER, "broadcast", to)) {
            Matcher m = c.expect("(BROADCAST \\d+ local=(\\S+)|FAILED .*)");
            if (m.group(2) == null) {
                rows.add(new Row("java-udp-broadcast", "-", to, "java+c", "-", m.group(1)));
                return;
            }
            String from = Selftest.canonical(m.group(2));
            String javaSaw = serverSaw(javaServer);
            String cSaw = serverSaw(cServer);
            String result = from.equals(javaSaw) && from.equals(cSaw) ? "ok"
                    : "FAILED: java server saw " + javaSaw + ", C server saw " + cSaw + ", sender is " + from;
            rows.add(new Row("java-udp-broadcast", from, to, "java+c-udp",
                    javaSaw.equals(cSaw) ? javaSaw : javaSaw + " / " + cSaw, result));
            c.waitFor();
        } catch (AssertionError e) {
            rows.add(new Row("java-udp-broadcast", "-", to, "java+c-udp", "-", "FAILED: " + firstLine(e.getMessage())));
        }
    }

    /** The sender the server reported for its latest datagram. */
    private static String serverSaw(ChildProcess server) throws InterruptedException {
        return Selftest.canonical(server.expect("ECHOED \\d+ from (\\S+)").group(1));
    }

    private static String verdict(String target, String replyFrom, String from, String saw) {
        String expected = Selftest.canonical(target);
        if (!replyFrom.equals(expected)) {
            return "FAILED: reply came from " + replyFrom + ", not " + expected;
        }
        return from.equals(saw) ? "ok" : "FAILED: server saw " + saw + ", client is " + from;
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
