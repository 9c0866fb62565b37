package io.swrap.selftest.bench;

import io.swrap.selftest.env.SmbEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Java client over 1, 2 and 4 channels against the server in one process and as a master with four workers
 * ({@code prefork children = 4}), each server in its own fake network on NICs 127.0.0.11..14 limited by link
 * emulation as in LinkChannelBench (a fresh client JVM per measurement, a warm-up file first). All channels of
 * one client share its ClientGuid, so in prefork mode one worker serves them all: the question is what the
 * master's hand-off and the worker's separate JVM cost, not whether workers add throughput. Rounds alternate the
 * modes and the channel counts so both see the same background load; prints medians, prefork's ratio to one
 * process per row, and each mode's ratio of n channels to one.
 *
 * <p>Usage: {@code PreforkChannelBench [RATE_MIBPS=20] [MIB=64] [ROUNDS=3] [DIALECT=SMB3_11]}.
 */
public final class PreforkChannelBench {
    private static final int[] NICS = {11, 12, 13, 14};
    private static final int[] CHANNELS = {1, 2, 4};
    private static final Map<String, String> MODES = Map.of("one process", "", "prefork 4", "prefork children = 4");
    private static final List<String> ORDER = List.of("one process", "prefork 4");

    private PreforkChannelBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String dialect = args.length > 3 ? args[3] : "SMB3_11";
        String links = LinkChannelBench.links(NICS, rate);
        Path base = Files.createTempDirectory(Path.of("/tmp"), "swrap-preforkbench.");
        Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
        Map<String, SmbEnv> servers = new LinkedHashMap<>();
        try {
            for (String mode : ORDER) {
                servers.put(mode, SmbEnv.start(base.resolve(mode.replace(' ', '-')), NICS, MODES.get(mode),
                        Map.of("SWRAP_LINKS", links)));
                results.put(mode, new LinkedHashMap<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (String mode : ORDER) {
                    for (int channels : CHANNELS) {
                        System.out.print(mode + ", ");
                        LinkChannelBench.measure(servers.get(mode).swrapDir(), links, channels, mib,
                                dialect, results.get(mode));
                    }
                }
            }
        } finally {
            for (SmbEnv s : servers.values()) {
                s.close();
            }
        }
        System.out.printf(Locale.ROOT, "Java SMB client, %s, %d MiB file, NICs 11..14 at %d MiB/s each way,"
                + " median of %d fresh JVMs, MiB/s (n channels / 1 channel; prefork / one process)%n", dialect, mib,
                rate, rounds);
        System.out.printf(Locale.ROOT, "%-9s %-6s %18s %18s %10s%n", "channels", "", "one process", "prefork 4",
                "prefork/one");
        for (int channels : CHANNELS) {
            for (String what : List.of("write", "read")) {
                List<String> cells = new ArrayList<>();
                for (String mode : ORDER) {
                    Map<String, List<Double>> m = results.get(mode);
                    double v = BenchSupport.median(m.get(what + " " + channels));
                    double one = BenchSupport.median(m.get(what + " 1"));
                    cells.add(String.format(Locale.ROOT, "%.1f (%.2fx)", v, v / one));
                }
                double ratio = BenchSupport.median(results.get("prefork 4").get(what + " " + channels))
                        / BenchSupport.median(results.get("one process").get(what + " " + channels));
                System.out.printf(Locale.ROOT, "%-9d %-6s %18s %18s %10.2f%n", channels, what, cells.get(0),
                        cells.get(1), ratio);
            }
        }
        System.out.println("all runs MiB/s: " + results);
        BenchSupport.deleteTree(base);
    }
}
