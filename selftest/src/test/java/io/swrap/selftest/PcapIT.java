package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.selftest.env.Tshark;
import io.swrap.selftest.env.Tshark.Segment;
import io.swrap.selftest.peers.BulkEcho;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.SmbClientPeer;
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
    /**
     * The 1 MiB WRITE request and READ response: the sender writes their 4-byte NBSS header in a
     * segment of its own, and tshark 4.0 then leaves the PDU as "NBSS Continuation" — in C
     * socket_wrapper's capture of smbclient the same. Their other half is dissected.
     */
    private static final java.util.Set<String> LARGE = java.util.Set.of("9", "9r", "8", "8r");

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

    @Test
    void javaAndCDatagramsAppearOnceEach() throws Exception {
        Path pcap = dir.resolve("udp-interop.pcap");
        // a C client of a Java server, then a Java client of a C server
        try (ChildProcess server = ChildProcess.java("udp-java-server", net(10, pcap), UdpPeer.class.getName(), "server",
                "socket", "127.0.0.10:7")) {
            server.expect("BOUND .*");
            try (ChildProcess c = ChildProcess.cPeer("udp-c-client", net(31, pcap), "udp_client.py", "127.0.0.10", "7")) {
                c.expect("REPLY .*");
                c.succeeds();
            }
        }
        try (ChildProcess c = ChildProcess.cPeer("udp-c-server", net(11, pcap), "udp_echo_server.py", "127.0.0.11", "7")) {
            c.expect("BOUND .*");
            try (ChildProcess client = ChildProcess.java("udp-java-client", net(21, pcap), UdpPeer.class.getName(),
                    "client", "channel", "127.0.0.11:7")) {
                client.expect("REPLY .*");
                client.succeeds();
            }
        }
        List<String> udp = Tshark.run(pcap, "-Y", "udp", "-T", "fields", "-E", "separator=,", "-e", "ip.src",
                "-e", "ip.dst", "-e", "udp.dstport");
        assertEquals(List.of("127.0.0.31,127.0.0.10,7", "127.0.0.10,127.0.0.31", "127.0.0.21,127.0.0.11,7",
                "127.0.0.11,127.0.0.21"), udp.stream().map(l -> l.endsWith(",7") ? l : l.substring(0, l.lastIndexOf(',')))
                .toList(), "each datagram once, each request before its reply: " + udp);
    }

    /** The Java SMB client and the server (Java↔Java: the agent writes it) and smbclient (C writes it). */
    @Test
    void smbSessionsDissectFromNegotiateToLogoff() throws Exception {
        Path base = dir.resolve("smb");
        Path pcap = dir.resolve("smb.pcap");
        ChildProcess.capture(base.resolve("swrap"), pcap);
        try (SmbEnv env = SmbEnv.start(base, new int[] {11}, "")) {
            try (ChildProcess p = ChildProcess.java("smb-java-client", ChildProcess.net(env.swrapDir(), 22),
                    SmbClientPeer.class.getName(), "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD,
                    "SMB3_11:encrypt:enc.bin:1", "SMB3_11:sign:signed.bin:1")) {
                p.expect("OK SMB3_11:encrypt:enc.bin:1 dialect=SMB3_11 signed=false encrypted=true .*");
                p.expect("OK SMB3_11:sign:signed.bin:1 dialect=SMB3_11 signed=true encrypted=false .*");
                p.succeeds();
            }
            Path cwd = Files.createDirectories(dir.resolve("cwd"));
            Smbclient.Result r = env.smbclient(31, 11, SmbEnv.PASSWORD, cwd, "ls; get signed.bin", "-m", "SMB3");
            assertEquals(0, r.exit(), r.output());
        }
        // per TCP conversation, the SMB2 commands in order (0 NEGOTIATE, 1 SESSION_SETUP, 2 LOGOFF, 3 TREE_CONNECT, ...)
        Map<String, List<String>> cmds = new java.util.LinkedHashMap<>();
        for (String line : Tshark.run(pcap, "-Y", "smb2", "-T", "fields", "-E", "separator=;", "-e", "tcp.stream",
                "-e", "smb2.cmd", "-e", "smb2.flags.response")) {
            String[] f = line.split(";", -1);
            cmds.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + ("1".equals(f[2]) || "True".equals(f[2]) ? "r" : ""));
        }
        List<String> transforms = Tshark.run(pcap, "-Y", "smb2.protocol_id == 0xfd534d42", "-T", "fields",
                "-e", "tcp.stream");
        assertEquals(3, cmds.size(), "three SMB connections (Java encrypted, Java signed, smbclient): " + cmds);
        List<List<String>> logoffs = new ArrayList<>();
        for (var e : cmds.entrySet()) {
            List<String> c = e.getValue();
            assertEquals("0", c.get(0), "stream " + e.getKey() + " starts with NEGOTIATE: " + c);
            assertEquals("0r", c.get(1), "stream " + e.getKey() + ": NEGOTIATE response: " + c);
            assertTrue(c.contains("1") && c.contains("1r"), "stream " + e.getKey() + ": SESSION_SETUP: " + c);
            Map<String, Integer> pending = new java.util.HashMap<>();
            for (String cmd : c) {
                if (LARGE.contains(cmd)) {
                    continue;
                }
                if (cmd.endsWith("r")) {
                    String req = cmd.substring(0, cmd.length() - 1);
                    assertTrue(pending.getOrDefault(req, 0) > 0, "stream " + e.getKey()
                            + ": every response comes after its request in the file: " + c);
                    pending.merge(req, -1, Integer::sum);
                } else if (!cmd.isEmpty()) {
                    pending.merge(cmd, 1, Integer::sum);
                }
            }
            if (c.size() >= 2 && c.get(c.size() - 2).equals("2") && c.get(c.size() - 1).equals("2r")) {
                logoffs.add(c);
            }
        }
        assertTrue(!transforms.isEmpty(), "the encrypted session's frames are SMB2 TRANSFORM");
        assertEquals(1, logoffs.size(), "the Java client's signed session ends with LOGOFF and its response"
                + " (smbclient ends with TREE_DISCONNECT, the encrypted session's LOGOFF is inside a TRANSFORM): " + cmds);
        assertTrue(logoffs.get(0).containsAll(List.of("3", "3r", "5", "5r", "9r", "8", "6", "6r", "4", "4r")),
                "TREE_CONNECT, CREATE, WRITE, READ, CLOSE, TREE_DISCONNECT: " + logoffs.get(0));
        assertEquals(List.of(), Tshark.sequenceProblems(Tshark.tcp(pcap)), "sequence and acknowledgement numbers add up");
        String expert = String.join("\n", Tshark.run(pcap, "-q", "-z", "expert"));
        assertTrue(!expert.contains("not captured") && !expert.contains("unseen segment"), expert);
    }
}
