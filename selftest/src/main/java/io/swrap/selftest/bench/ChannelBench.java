package io.swrap.selftest.bench;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * Multichannel scaling: the project's Java SMB client (MultichannelClientPeer, a fresh JVM under the agent
 * per measurement) writes then reads one large file over 1, 2 and 4 channels, against the project's SMB
 * server (under the agent) and against Debian's Samba smbd (samba-anchor.sh, under C socket_wrapper), both
 * on the four fake NICs 127.0.0.11..14 port 445 of their own networks; the client is on interface 21.
 * Every run first moves a 32 MiB file untimed in the same JVM (JIT warm-up), then the timed file; rounds
 * alternate the servers and channel counts so that machine noise hits all alike; prints medians.
 *
 * <p>Usage: {@code ChannelBench ANCHOR_SCRIPT [MIB=256] [ROUNDS=3] [DIALECT=SMB3_11] [PROTECTION=off]}.
 */
public final class ChannelBench {
    private static final int CLIENT_IFACE = 21;
    private static final int[] NICS = {11, 12, 13, 14};
    private static final int[] CHANNELS = {1, 2, 4};
    private static final int WARMUP_MIB = 32;

    public static void main(String[] args) throws Exception {
        Path anchor = Path.of(args[0]);
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String dialect = args.length > 3 ? args[3] : "SMB3_11";
        String protection = args.length > 4 ? args[4] : "off";
        if (!Files.isRegularFile(anchor)) {
            throw new IllegalArgumentException("samba-anchor.sh not found at " + anchor
                    + " (it is in shared/tools/ beside the project)");
        }
        // smbd serves the share as user tester: the directories above it must be traversable
        Path base = Files.createTempDirectory(Path.of("/tmp"), "swrap-chbench.",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path samba = base.resolve("samba");
        BenchSupport.run(List.of("bash", anchor.toString(), "start", samba.toString(), "11 12 13 14", Integer.toString(SmbEnv.PORT)));
        // "ours write 2" -> MiB/s of every round
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (SmbEnv ours = SmbEnv.start(base.resolve("ours"), NICS, "")) {
            for (int r = 0; r < rounds; r++) {
                for (int channels : CHANNELS) {
                    measure("ours", ours.swrapDir(), channels, mib, dialect, protection, results);
                    measure("samba", samba.resolve("swrap"), channels, mib, dialect, protection, results);
                }
            }
        } finally {
            BenchSupport.run(List.of("bash", anchor.toString(), "stop", samba.toString()));
        }
        System.out.printf(Locale.ROOT, "Java SMB client, %s %s, %d MiB file, median of %d fresh JVMs, MiB/s%n",
                dialect, protection, mib, rounds);
        System.out.printf(Locale.ROOT, "%-9s %12s %12s %12s %12s%n", "channels", "ours write", "ours read",
                "Samba write", "Samba read");
        for (int channels : CHANNELS) {
            System.out.printf(Locale.ROOT, "%-9d %12s %12s %12s %12s%n", channels,
                    cell(results, "ours write", channels), cell(results, "ours read", channels),
                    cell(results, "samba write", channels), cell(results, "samba read", channels));
        }
        System.out.println("all runs MiB/s: " + results);
        BenchSupport.deleteTree(base);
    }

    /** The median, and the gain over 1 channel in parentheses. */
    private static String cell(Map<String, List<Double>> results, String what, int channels) {
        double m = BenchSupport.median(results.get(what + " " + channels));
        if (channels == 1) {
            return String.format(Locale.ROOT, "%.0f", m);
        }
        double one = BenchSupport.median(results.get(what + " 1"));
        return String.format(Locale.ROOT, "%.0f (%+.0f%%)", m, (m / one - 1) * 100);
    }

    private static void measure(String server, Path swrap, int channels, int mib, String dialect, String protection,
                                Map<String, List<Double>> results) throws Exception {
        String warm = "warm.bin:" + dialect + ":" + protection + ":" + channels + ":" + WARMUP_MIB + ":-";
        String timed = "bench.bin:" + dialect + ":" + protection + ":" + channels + ":" + mib + ":-";
        try (ChildProcess p = ChildProcess.java("bench-client", ChildProcess.net(swrap, CLIENT_IFACE),
                "io.swrap.selftest.peers.MultichannelClientPeer", "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, warm, timed)) {
            for (String scenario : List.of(warm, timed)) {
                Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", Duration.ofMinutes(10));
                if (!m.group(1).equals("OK")) {
                    throw new AssertionError(server + ", " + scenario + ": " + m.group(2) + "\n" + p.stderr());
                }
                Matcher r = java.util.regex.Pattern.compile(".* channels=(\\d+) .* write_mibps=(\\S+) read_mibps=(\\S+)"
                        + " .*").matcher(m.group(2));
                if (!r.matches() || Integer.parseInt(r.group(1)) != channels) {
                    throw new AssertionError(server + ", " + scenario + ": expected " + channels + " channels: "
                            + m.group(2));
                }
                if (scenario.equals(timed)) {
                    results.computeIfAbsent(server + " write " + channels, k -> new ArrayList<>())
                            .add(Double.parseDouble(r.group(2)));
                    results.computeIfAbsent(server + " read " + channels, k -> new ArrayList<>())
                            .add(Double.parseDouble(r.group(3)));
                }
            }
            p.succeeds();
        }
    }

}
