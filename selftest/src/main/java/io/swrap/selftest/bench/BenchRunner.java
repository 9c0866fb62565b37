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
 * alternating them so that machine noise hits both alike, and prints medians and ratios. A plain unix
 * socket without the agent runs alongside: what the agent's sockets are underneath, so that agent/unix
 * is the agent's own cost whatever this machine's TCP loopback costs.
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
                for (String who : new String[] {"plain", "unix", "wrapped"}) {
                    double[] res = run(who, mode, port, n);
                    results.computeIfAbsent(who + " " + mode, k -> new ArrayList<>()).add(res[0]);
                    if (res.length > 1) {
                        results.computeIfAbsent(who + " " + mode + " mean-all", k -> new ArrayList<>()).add(res[1]);
                        results.computeIfAbsent(who + " " + mode + " first", k -> new ArrayList<>()).add(res[2]);
                    }
                }
            }
        }
        System.out.println("socket directories under " + base + " (" + Files.getFileStore(base).type()
                + "; SWRAP_BENCH_DIR picks another)");
        System.out.printf(Locale.ROOT, "%-34s %14s %14s %8s   %s%n", "benchmark (median of " + rounds + ")",
                "plain loopback", "swrap agent", "ratio", "(plain unix socket, no agent: agent/unix)");
        row(results, "bulk throughput, " + mib + " MiB", "throughput", "MiB/s", "%9.0f");
        row(results, "connect+64B echo+close", "rr", "us", "%11.1f");
        row(results, "the same, mean of all, first incl.", "rr mean-all", "us", "%11.1f");
        row(results, "the JVM's first socket + connection", "rr first", "us", "%11.0f");
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

    /** One table row: the medians of plain loopback, the agent, their ratio, and the plain unix socket's. */
    private static void row(Map<String, List<Double>> results, String label, String key, String unit, String num) {
        double plain = BenchSupport.median(results.get("plain " + key));
        double unix = BenchSupport.median(results.get("unix " + key));
        double wrapped = BenchSupport.median(results.get("wrapped " + key));
        String n = num + " " + unit;
        System.out.printf(Locale.ROOT, "%-34s " + n + " " + n + " %7.2fx   (%" + num.substring(num.indexOf('.'))
                + " %s: %.2fx)%n", label, plain, wrapped, wrapped / plain, unix, unit, wrapped / unix);
    }

    /**
     * One SocketBench JVM: plain loopback TCP (127.0.0.1, no agent), a plain unix socket (no agent), or
     * the agent's network (127.0.0.11). Returns the result, and for rr the mean over all connections and the first one's time.
     */
    private static double[] run(String who, String mode, int port, String n) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("swrap.bench.dir", "/tmp")), "swb");
        boolean wrapped = who.equals("wrapped");
        Map<String, String> env = wrapped ? ChildProcess.net(dir, 11) : new HashMap<>();
        String host = switch (who) {
            case "plain" -> "127.0.0.1";
            case "unix" -> "unix:" + dir.resolve("bench.sock");
            default -> "127.0.0.11";
        };
        String main = SocketBench.class.getName();
        try (ChildProcess p = wrapped
                ? ChildProcess.java("bench-wrapped", env, main, mode, host, Integer.toString(port), n)
                : ChildProcess.plainJava("bench-" + who, env, main, mode, host, Integer.toString(port), n)) {
            Matcher m = p.expect("RESULT \\w+ ([0-9.]+) \\S+(?: mean-all ([0-9.]+) us first ([0-9.]+) us)?",
                    java.time.Duration.ofMinutes(5));
            p.succeeds();
            return m.group(2) == null ? new double[] {Double.parseDouble(m.group(1))}
                    : new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3))};
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
