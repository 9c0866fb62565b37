package io.swrap.selftest.env;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads pcap captures with Debian's tshark (package tshark; scripts/test and scripts/selftest install
 * it), and checks that the TCP conversations in them add up.
 */
public final class Tshark {
    public static final Path TSHARK = Path.of("/usr/bin/tshark");
    private static final long TIMEOUT_SECONDS = 120;

    private Tshark() {
    }

    /** {@code tshark -r pcap ARGS}: its stdout lines; fails with its output unless it exits with 0. */
    public static List<String> run(Path pcap, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(TSHARK)) {
            throw new AssertionError(TSHARK + " is missing: scripts/test installs it (apt-get install -y tshark)");
        }
        List<String> cmd = new ArrayList<>(List.of(TSHARK.toString(), "-r", pcap.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("tshark", ".out");
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("tshark did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("tshark exited with " + p.exitValue() + ": " + cmd + "\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** One TCP segment of a capture. */
    public record Segment(int frame, String src, String dst, long seq, long ack, int flags, int len) {
        public static final int FIN = 0x01;
        public static final int SYN = 0x02;
        public static final int RST = 0x04;
        public static final int ACK = 0x10;

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The sequence space the segment takes: its bytes, plus one for SYN and for FIN. */
        long span() {
            return len + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
        }
    }

    /** Every TCP segment, sequence numbers absolute. */
    public static List<Segment> tcp(Path pcap) throws IOException, InterruptedException {
        List<Segment> out = new ArrayList<>();
        for (String line : run(pcap, "-o", "tcp.relative_sequence_numbers:FALSE", "-Y", "tcp", "-T", "fields",
                "-E", "separator=,", "-e", "frame.number", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
                "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "tcp.seq", "-e", "tcp.ack",
                "-e", "tcp.flags", "-e", "tcp.len")) {
            String[] f = line.split(",", -1);
            out.add(new Segment(Integer.parseInt(f[0]), f[1] + f[2] + ":" + f[3], f[4] + f[5] + ":" + f[6],
                    Long.parseLong(f[7]), Long.parseLong(f[8]), Integer.decode(f[9]), Integer.parseInt(f[10])));
        }
        return out;
    }

    /**
     * What does not add up in the TCP conversations of {@code segments}, in file order: a segment
     * whose sequence number is not where its side's previous one ended (a gap, an overlap, a
     * duplicate), or an acknowledgement of bytes the other side has not sent yet in the file.
     * Empty when every conversation is consistent.
     */
    public static List<String> sequenceProblems(List<Segment> segments) {
        Map<String, Long> next = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Segment s : segments) {
            String dir = s.src() + ">" + s.dst();
            String back = s.dst() + ">" + s.src();
            if (s.has(Segment.SYN) && !s.has(Segment.ACK)) {
                next.remove(dir);
                next.remove(back);
            }
            Long expected = next.get(dir);
            if (expected != null && s.span() > 0 && s.seq() != expected) {
                problems.add("frame " + s.frame() + " " + dir + ": seq " + s.seq() + ", expected " + expected);
            }
            if (s.span() > 0 || expected == null) {
                next.put(dir, s.seq() + s.span());
            }
            Long sent = next.get(back);
            if (s.has(Segment.ACK) && !s.has(Segment.RST) && (sent == null || s.ack() > sent)) {
                problems.add("frame " + s.frame() + " " + dir + ": ack " + s.ack() + " of bytes the other side has"
                        + " not sent yet (it sent up to " + sent + ")");
            }
        }
        return problems;
    }
}
