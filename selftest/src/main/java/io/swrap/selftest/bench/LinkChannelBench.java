package io.swrap.selftest.bench;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multichannel scaling on slow NICs: the project's SMB server (under the agent) on 127.0.0.11..14, each
 * interface limited by link emulation ({@code SWRAP_LINKS}, given to the server and the client alike), and
 * the project's Java client (MultichannelClientPeer, a fresh JVM per measurement, on the unlimited interface
 * 21) writing then reading one file over 1, 2 and 4 channels. A channel to 127.0.0.1N is limited by NIC 1N's
 * receive (writes) and transmit (reads) buckets, so the client can only go faster by spreading over the
 * NICs: with the limit well below what the CPU can move, n channels should reach n times one.
 * Every run first moves a small file in the same JVM (JIT warm-up); rounds alternate the channel counts;
 * prints medians and the ratios to one channel against the goals (2 channels ≥ 1.8×, 4 ≥ 3.5×).
 *
 * <p>Usage: {@code LinkChannelBench [RATE_MIBPS=20] [MIB=64] [ROUNDS=3] [DIALECT=SMB3_11]}; exit code 1 when
 * a goal is missed.
 */
public final class LinkChannelBench {
    private static final int CLIENT_IFACE = 21;
    private static final int[] NICS = {11, 12, 13, 14};
    private static final int[] CHANNELS = {1, 2, 4};
    private static final int WARMUP_MIB = 8;
    private static final Map<Integer, Double> GOALS = Map.of(2, 1.8, 4, 3.5);

    private LinkChannelBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String dialect = args.length > 3 ? args[3] : "SMB3_11";
        String links = links(NICS, rate);
        Path base = Files.createTempDirectory(Path.of("/tmp"), "swrap-linkbench.");
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (SmbEnv server = SmbEnv.start(base, NICS, "", Map.of("SWRAP_LINKS", links))) {
            for (int r = 0; r < rounds; r++) {
                for (int channels : CHANNELS) {
                    measure(server.swrapDir(), links, channels, mib, dialect, results);
                }
            }
        }
        System.out.printf(Locale.ROOT, "Java SMB client, %s, %d MiB file, NICs 11..14 at %d MiB/s each way"
                + " (SWRAP_LINKS=%s), median of %d fresh JVMs, MiB/s%n", dialect, mib, rate, links, rounds);
        System.out.printf(Locale.ROOT, "%-9s %16s %16s%n", "channels", "write", "read");
        boolean ok = true;
        for (int channels : CHANNELS) {
            String[] cells = new String[2];
            int i = 0;
            for (String what : List.of("write", "read")) {
                double m = BenchSupport.median(results.get(what + " " + channels));
                double ratio = m / BenchSupport.median(results.get(what + " 1"));
                cells[i++] = channels == 1 ? String.format(Locale.ROOT, "%.1f", m)
                        : String.format(Locale.ROOT, "%.1f (%.2fx)", m, ratio);
                if (GOALS.containsKey(channels) && ratio < GOALS.get(channels)) {
                    ok = false;
                    System.out.printf(Locale.ROOT, "MISSED: %s over %d channels is %.2fx of one (goal %.1fx)%n",
                            what, channels, ratio, GOALS.get(channels));
                }
            }
            System.out.printf(Locale.ROOT, "%-9d %16s %16s%n", channels, cells[0], cells[1]);
        }
        System.out.println("all runs MiB/s: " + results);
        BenchSupport.deleteTree(base);
        System.exit(ok ? 0 : 1);
    }

    /** The SWRAP_LINKS value limiting each of {@code nics} to {@code rate} MiB/s. */
    static String links(int[] nics, int rate) {
        StringBuilder links = new StringBuilder();
        for (int nic : nics) {
            links.append(links.isEmpty() ? "" : ";").append(nic).append(':').append(rate).append("mibps");
        }
        return links.toString();
    }

    static void measure(Path swrap, String links, int channels, int mib, String dialect,
                                Map<String, List<Double>> results) throws Exception {
        String warm = "warm.bin:" + dialect + ":off:" + channels + ":" + WARMUP_MIB + ":-";
        String timed = "bench.bin:" + dialect + ":off:" + channels + ":" + mib + ":-";
        Map<String, String> env = ChildProcess.net(swrap, CLIENT_IFACE);
        env.put("SWRAP_LINKS", links);
        try (ChildProcess p = ChildProcess.java("bench-client", env, "io.swrap.selftest.peers.MultichannelClientPeer",
                "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD, warm, timed)) {
            for (String scenario : List.of(warm, timed)) {
                Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", Duration.ofMinutes(10));
                if (!m.group(1).equals("OK")) {
                    throw new AssertionError(scenario + ": " + m.group(2) + "\n" + p.stderr());
                }
                Matcher r = Pattern.compile(".* channels=(\\d+) .* write_mibps=(\\S+) read_mibps=(\\S+) .*")
                        .matcher(m.group(2));
                if (!r.matches() || Integer.parseInt(r.group(1)) != channels) {
                    throw new AssertionError(scenario + ": expected " + channels + " channels: " + m.group(2));
                }
                if (scenario.equals(timed)) {
                    results.computeIfAbsent("write " + channels, k -> new ArrayList<>()).add(Double.parseDouble(r.group(2)));
                    results.computeIfAbsent("read " + channels, k -> new ArrayList<>()).add(Double.parseDouble(r.group(3)));
                    System.out.println(channels + " channels: " + m.group(2));
                }
            }
            p.succeeds();
        }
    }
}
