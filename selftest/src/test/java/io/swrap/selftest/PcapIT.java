package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.Tshark;
import io.swrap.selftest.env.Tshark.Segment;
import io.swrap.selftest.peers.BulkEcho;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.UdpPeer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SOCKET_WRAPPER_PCAP_FILE with real processes: Java servers and clients under the agent, C peers
 * (CPython under libsocket_wrapper) writing the same file, read back with tshark.
 */
class PcapIT {
    private static final int MTU = 1400;

    @TempDir
    Path dir;

    private Map<String, String> net(int iface, Path pcap) {
        Map<String, String> env = ChildProcess.net(dir, iface);
        env.put("SOCKET_WRAPPER_PCAP_FILE", pcap.toString());
        env.put("SOCKET_WRAPPER_MTU", Integer.toString(MTU));
        return env;
    }

    @Test
    void javaToJavaTcpHandshakeDataAndTeardownAddUp() throws Exception {
        Path pcap = dir.resolve("tcp.pcap");
        int size = 10_000;
        int rounds = 3;
        int clients = 3;
        try (ChildProcess server = ChildProcess.java("bulk-server", net(10, pcap), BulkEcho.class.getName(), "server",
                "127.0.0.10:7400")) {
            server.expect("LISTENING /127\\.0\\.0\\.10:7400");
            List<ChildProcess> running = new ArrayList<>();
            try {
                // several processes appending to one file at once
                for (int i = 0; i < clients; i++) {
                    running.add(ChildProcess.java("bulk-client-" + i, net(21 + i, pcap), BulkEcho.class.getName(),
                            "client", "127.0.0.10:7400", Integer.toString(size), Integer.toString(rounds)));
                }
                for (ChildProcess c : running) {
                    c.expect("DONE " + size * rounds);
                    c.succeeds();
                }
            } finally {
                for (ChildProcess c : running) {
                    c.close();
                }
            }
            for (int i = 0; i < clients; i++) {
                server.expect("CLOSED " + size * rounds);
            }
        }
        byte[] header = Files.readAllBytes(pcap);
        ByteBuffer h = ByteBuffer.wrap(header, 0, 24).order(ByteOrder.nativeOrder());
        assertEquals(0xA1B2C3D4, h.getInt(), "magic in host order");
        assertEquals(2, h.getShort());
        assertEquals(4, h.getShort());
        assertEquals(0xFFFF, h.getInt(16), "snaplen");
        assertEquals(101, h.getInt(20), "linktype raw IP");

        List<Segment> segs = Tshark.tcp(pcap);
        assertEquals(List.of(), Tshark.sequenceProblems(segs), "sequence and acknowledgement numbers add up");
        for (int i = 0; i < clients; i++) {
            String client = "127.0.0." + (21 + i);
            List<Segment> conv = segs.stream().filter(s -> s.src().startsWith(client + ":")
                    || s.dst().startsWith(client + ":")).toList();
            String from = conv.get(0).src();
            String to = conv.get(0).dst();
            assertEquals("127.0.0.10:7400", to, "the client connects to the server: " + conv);
            assertEquals(Segment.SYN, conv.get(0).flags(), "SYN first: " + conv.get(0));
            assertEquals(Segment.SYN | Segment.ACK, conv.get(1).flags(), "then SYN/ACK: " + conv.get(1));
            assertEquals(Segment.ACK, conv.get(2).flags(), "then ACK: " + conv.get(2));
            for (String[] d : new String[][] {{from, to}, {to, from}}) {
                List<Segment> data = conv.stream().filter(s -> s.src().equals(d[0]) && s.len() > 0).toList();
                assertEquals((long) size * rounds, data.stream().mapToLong(Segment::len).sum(),
                        "every byte " + d[0] + " -> " + d[1] + " once");
                assertTrue(data.stream().allMatch(s -> s.len() <= MTU), "segments split at SOCKET_WRAPPER_MTU=" + MTU);
                assertEquals(1, conv.stream().filter(s -> s.src().equals(d[0]) && s.has(Segment.FIN)).count(),
                        "one FIN " + d[0] + " -> " + d[1] + ": " + conv);
            }
            Segment last = conv.get(conv.size() - 1);
            assertEquals(Segment.ACK, last.flags(), "the last ACK closes the conversation: " + last);
        }
        String expert = String.join("\n", Tshark.run(pcap, "-q", "-z", "expert"));
        for (String bad : List.of("not captured", "unseen segment", "wasn't captured", "Malformed", "retransmission",
                "Duplicate ACK")) {
            assertTrue(!expert.contains(bad), "tshark's expert info has no \"" + bad + "\":\n" + expert);
        }
    }

    @Test
    void refusedConnectIsSynThenRst() throws Exception {
        Path pcap = dir.resolve("refused.pcap");
        try (ChildProcess c = ChildProcess.java("refused", net(21, pcap), EchoClient.class.getName(), "socket",
                "127.0.0.10:7401")) {
            c.expect("FAILED java.net.ConnectException: Connection refused");
        }
        List<Segment> segs = Tshark.tcp(pcap);
        assertEquals(2, segs.size(), "SYN and RST: " + segs);
        assertEquals(Segment.SYN, segs.get(0).flags());
        assertEquals("127.0.0.10:7401", segs.get(0).dst());
        assertEquals(Segment.RST | Segment.ACK, segs.get(1).flags());
        assertEquals("127.0.0.10:7401", segs.get(1).src());
    }

    @Test
    void udpDatagramsBothWays() throws Exception {
        Path pcap = dir.resolve("udp.pcap");
        try (ChildProcess server = ChildProcess.java("udp-server", net(10, pcap), UdpPeer.class.getName(), "server",
                "socket", "127.0.0.10:7")) {
            server.expect("BOUND /127\\.0\\.0\\.10:7");
            try (ChildProcess client = ChildProcess.java("udp-client", net(21, pcap), UdpPeer.class.getName(),
                    "client", "channel", "127.0.0.10:7")) {
                client.expect("REPLY .*");
                client.succeeds();
            }
        }
        List<String> udp = Tshark.run(pcap, "-Y", "udp", "-T", "fields", "-E", "separator=,", "-e", "ip.src",
                "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "udp.length");
        assertEquals(2, udp.size(), "the request and the reply, once each: " + udp);
        assertTrue(udp.get(0).matches("127\\.0\\.0\\.21,\\d+,127\\.0\\.0\\.10,7,\\d+"), udp.get(0));
        assertTrue(udp.get(1).matches("127\\.0\\.0\\.10,7,127\\.0\\.0\\.21,\\d+,\\d+"), udp.get(1));
    }

    @Test
    void javaAndCConversationsAppearOnceEach() throws Exception {
        Path pcap = dir.resolve("interop.pcap");
        // a C client of a Java server
        try (ChildProcess j = ChildProcess.java("java-server", net(11, pcap), BulkEcho.class.getName(), "server",
                "127.0.0.11:7500")) {
            j.expect("LISTENING .*");
            try (ChildProcess c = ChildProcess.cPeer("c-client", net(31, pcap), "echo_client.py", "127.0.0.11", "7500")) {
                c.expect("ECHO hello from python");
                c.succeeds();
            }
            j.expect("CLOSED 18");
        }
        // a Java client of a C server
        try (ChildProcess c = ChildProcess.cPeer("c-server", net(12, pcap), "echo_server.py", "127.0.0.12", "7501")) {
            c.expect("LISTENING 127.0.0.12:7501");
            try (ChildProcess j = ChildProcess.java("java-client", net(22, pcap), EchoClient.class.getName(), "socket",
                    "127.0.0.12:7501")) {
                j.expect("ECHO hello from \\d+");
                j.succeeds();
            }
        }
        List<Segment> segs = Tshark.tcp(pcap);
        Map<String, List<Segment>> byClient = segs.stream().collect(Collectors.groupingBy(
                s -> s.src().endsWith(":7500") || s.src().endsWith(":7501") ? s.dst() : s.src()));
        assertEquals(2, byClient.size(), "two conversations: " + byClient.keySet());
        for (var e : byClient.entrySet()) {
            List<Segment> conv = e.getValue();
            assertEquals(1, conv.stream().filter(s -> s.flags() == Segment.SYN).count(), "one SYN: " + conv);
            List<Segment> data = conv.stream().filter(s -> s.len() > 0).toList();
            assertEquals(2, data.size(), e.getKey() + ": the line and its echo, once each: " + data);
            assertEquals(data.get(0).len(), data.get(1).len());
        }
    }
}
