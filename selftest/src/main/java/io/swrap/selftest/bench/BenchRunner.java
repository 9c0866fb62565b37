package io.swrap.selftest.bench;

import io.swrap.selftest.env.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Runs {@link SocketBench} side by side in fresh JVMs of the same build: plain loopback TCP
 * (127.0.0.1, no agent) against the agent's fake network (127.0.0.11, unix sockets underneath),
 * alternating the two so that machine noise hits both alike, and prints medians and ratios.
 *
 * Start-up: {@link StartupBench} (a JVM printing one line), {@value #STARTUPS_PER_ROUND} sets of
 * fresh JVMs per round, alternately plain, under the agent without and (given {@code -Dswrap.agent.flags})
 * with its AOT cache.
 *
 * <p>Usage: {@code BenchRunner [ROUNDS=5] [MIB=2048] [RR_COUNT=4000]}. Each JVM first makes a quarter of
 * RR_COUNT untimed connections. Much larger counts flatter the agent: tens of thousands of plain TCP
 * connections fill the loopback's TIME_WAIT table and slow the baseline, not the agent.
 */
public final class BenchRunner {
    static final int STARTUPS_PER_ROUND = 4;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int rrCount = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        Map<String, List<Double>> results = new HashMap<>();
        int port = 20000;
        Path base = Path.of(System.getProperty("swrap.bench.dir", "/tmp"));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < STARTUPS_PER_ROUND; i++) {
                for (StartupBench.Variant v : StartupBench.Variant.values()) {
                    if (v == StartupBench.Variant.AGENT_AOT && v.flags().isEmpty()) {
                        continue;
                    }
                    double[] t = StartupBench.run(v, base);
                    String who = v.name();
                    results.computeIfAbsent(who + " startup wall", k -> new ArrayList<>()).add(t[0]);
                    results.computeIfAbsent(who + " startup cpu", k -> new ArrayList<>()).add(t[1]);
                }
            }
            for (String mode : new String[] {"throughput", "rr"}) {
                String n = mode.equals("throughput") ? Integer.toString(mib) : Integer.toString(rrCount);
                port++;
                results.computeIfAbsent("plain " + mode, k -> new ArrayList<>())
                        .add(run(false, mode, "127.0.0.1", port, n));
                results.computeIfAbsent("wrapped " + mode, k -> new ArrayList<>())
                        .add(run(true, mode, "127.0.0.11", port, n));
            }
        }
        double plainTp = BenchSupport.median(results.get("plain throughput"));
        double wrapTp = BenchSupport.median(results.get("wrapped throughput"));
        double plainRr = BenchSupport.median(results.get("plain rr"));
        double wrapRr = BenchSupport.median(results.get("wrapped rr"));
        System.out.println("socket directories under " + base + " (" + Files.getFileStore(base).type()
                + "; SWRAP_BENCH_DIR picks another)");
        System.out.printf(Locale.ROOT, "%-34s %14s %14s %8s%n", "benchmark (median of " + rounds + ")",
                "plain loopback", "swrap agent", "ratio");
        System.out.printf(Locale.ROOT, "%-34s %9.0f MiB/s %9.0f MiB/s %7.2fx%n",
                "bulk throughput, " + mib + " MiB", plainTp, wrapTp, wrapTp / plainTp);
        System.out.printf(Locale.ROOT, "%-34s %11.1f us %11.1f us %7.2fx%n",
                "connect+64B echo+close", plainRr, wrapRr, wrapRr / plainRr);
        for (String what : new String[] {"wall", "cpu"}) {
            double plain = BenchSupport.median(results.get("PLAIN startup " + what));
            for (String v : new String[] {"AGENT", "AGENT_AOT"}) {
                List<Double> runs = results.get(v + " startup " + what);
                if (runs == null) {
                    continue;
                }
                double wrapped = BenchSupport.median(runs);
                System.out.printf(Locale.ROOT, "%-34s %11.0f ms %11.0f ms %7.2fx  (+%.0f ms)%n",
                        "start-up (Hello), " + what + (v.equals("AGENT") ? ", no cache" : ", AOT cache"), plain,
                        wrapped, wrapped / plain, wrapped - plain);
            }
        }
        System.out.println("all runs: " + results);
    }

    private static double run(boolean wrapped, String mode, String host, int port, String n) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("swrap.bench.dir", "/tmp")), "swb");
        Map<String, String> env = wrapped ? ChildProcess.net(dir, 11) : new HashMap<>();
        String main = SocketBench.class.getName();
        try (ChildProcess p = wrapped
                ? ChildProcess.java("bench-wrapped", env, main, mode, host, Integer.toString(port), n)
                : ChildProcess.plainJava("bench-plain", env, main, mode, host, Integer.toString(port), n)) {
            Matcher m = p.expect("RESULT \\w+ ([0-9.]+) .*", java.time.Duration.ofMinutes(5));
            p.succeeds();
            return Double.parseDouble(m.group(1));
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

}
