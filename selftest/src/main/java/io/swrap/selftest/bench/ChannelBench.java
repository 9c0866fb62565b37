package io.swrap.selftest.bench;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * For the project's server it also prints where the CPU went during the timed transfer, in % of one core
 * (user + system, system in parentheses): the server's event loops, its I/O pool, its GC and JIT threads,
 * and the client JVM ({@link ThreadCpu}).
 *
 * <p>Usage: {@code ChannelBench ANCHOR_SCRIPT [CHANNELS=1,2,4] [MIB=256] [ROUNDS=3] [DIALECT=SMB3_11]
 * [PROTECTION=off] [SERVERS=ours,samba]}.
 */
public final class ChannelBench {
    private static final int CLIENT_IFACE = 21;
    private static final int[] NICS = {11, 12, 13, 14};
    private static final String[] ROLES = {"loops", "io", "gc+jit", "other", "client"};
    private static final int WARMUP_MIB = 32;

    public static void main(String[] args) throws Exception {
        Path anchor = Path.of(args[0]);
        int[] channelCounts = Arrays.stream((args.length > 1 ? args[1] : "1,2,4").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int mib = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String dialect = args.length > 4 ? args[4] : "SMB3_11";
        String protection = args.length > 5 ? args[5] : "off";
        List<String> servers = List.of((args.length > 6 ? args[6] : "ours,samba").split(","));
        for (int c : channelCounts) {
            if (c < 1 || c > NICS.length) {
                throw new IllegalArgumentException("channels " + c + " (expected: 1.." + NICS.length + ")");
            }
        }
        boolean samba = servers.contains("samba");
        if (samba && !Files.isRegularFile(anchor)) {
            throw new IllegalArgumentException("samba-anchor.sh not found at " + anchor
                    + " (scripts/lib/samba-anchor.sh in the repository, or SWRAP_SAMBA_ANCHOR; or leave samba out of SERVERS)");
        }
        // smbd serves the share as user tester: the directories above it must be traversable
        Path base = Files.createTempDirectory(Path.of("/tmp"), "swrap-chbench.",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path sambaDir = base.resolve("samba");
        if (samba) {
            BenchSupport.run(List.of("bash", anchor.toString(), "start", sambaDir.toString(), "11 12 13 14",
                    Integer.toString(SmbEnv.PORT)));
        }
        // "ours write 2" -> MiB/s of every round; "ours loops 2" -> % of one core of every round
        Map<String, List<Double>> results = new LinkedHashMap<>();
        // SWRAP_BENCH_GLOBALS: smb.conf [global] lines for the project's server, to compare settings
        String globals = System.getenv().getOrDefault("SWRAP_BENCH_GLOBALS", "");
        try (SmbEnv ours = SmbEnv.start(base.resolve("ours"), NICS, globals)) {
            for (int r = 0; r < rounds; r++) {
                for (int channels : channelCounts) {
                    measure("ours", ours.swrapDir(), ours.serverPid(), channels, mib, dialect, protection, results);
                    if (samba) {
                        measure("samba", sambaDir.resolve("swrap"), -1, channels, mib, dialect, protection, results);
                    }
                }
            }
        } finally {
            if (samba) {
                BenchSupport.run(List.of("bash", anchor.toString(), "stop", sambaDir.toString()));
            }
        }
        System.out.printf(Locale.ROOT, "Java SMB client, %s %s, %d MiB file, median of %d fresh JVMs, MiB/s%n",
                dialect, protection, mib, rounds);
        System.out.printf(Locale.ROOT, "%-9s %12s %12s %12s %12s%n", "channels", "ours write", "ours read",
                "Samba write", "Samba read");
        for (int channels : channelCounts) {
            System.out.printf(Locale.ROOT, "%-9d %12s %12s %12s %12s%n", channels,
                    cell(results, "ours write", channels, channelCounts[0]),
                    cell(results, "ours read", channels, channelCounts[0]),
                    cell(results, "samba write", channels, channelCounts[0]),
                    cell(results, "samba read", channels, channelCounts[0]));
        }
        System.out.println("CPU during the timed write + read against ours, % of one core (system part)");
        System.out.printf(Locale.ROOT, "%-9s", "channels");
        for (String role : ROLES) {
            System.out.printf(Locale.ROOT, " %14s", role.equals("client") ? "client JVM" : "server " + role);
        }
        System.out.println();
        for (int channels : channelCounts) {
            System.out.printf(Locale.ROOT, "%-9d", channels);
            for (String role : ROLES) {
                List<Double> all = results.get("ours " + role + " " + channels);
                List<Double> sys = results.get("ours " + role + "-sys " + channels);
                System.out.printf(Locale.ROOT, " %14s", all == null ? "-" : String.format(Locale.ROOT, "%.0f (%.0f)",
                        BenchSupport.median(all), BenchSupport.median(sys)));
            }
            System.out.println();
        }
        System.out.println("all runs: " + results);
        BenchSupport.deleteTree(base);
    }

    /** The median, and the gain over the first channel count in parentheses. */
    private static String cell(Map<String, List<Double>> results, String what, int channels, int first) {
        List<Double> xs = results.get(what + " " + channels);
        if (xs == null) {
            return "-";
        }
        double m = BenchSupport.median(xs);
        if (channels == first) {
            return String.format(Locale.ROOT, "%.0f", m);
        }
        double one = BenchSupport.median(results.get(what + " " + first));
        return String.format(Locale.ROOT, "%.0f (%+.0f%%)", m, (m / one - 1) * 100);
    }

    private static void measure(String server, Path swrap, long serverPid, int channels, int mib, String dialect,
                                String protection, Map<String, List<Double>> results) throws Exception {
        String warm = "warm.bin:" + dialect + ":" + protection + ":" + channels + ":" + WARMUP_MIB + ":-";
        String timed = "bench.bin:" + dialect + ":" + protection + ":" + channels + ":" + mib + ":-";
        try (ChildProcess p = ChildProcess.java("bench-client", ChildProcess.net(swrap, CLIENT_IFACE),
                "io.swrap.selftest.peers.MultichannelClientPeer", "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, warm, timed)) {
            Map<Long, double[]> serverBefore = null;
            double[] clientBefore = null;
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
                if (scenario.equals(warm)) {
                    // the timed transfer starts as the warm-up's line is printed
                    if (serverPid > 0) {
                        serverBefore = ThreadCpu.threads(serverPid);
                        clientBefore = ThreadCpu.process(p.pid());
                    }
                    continue;
                }
                double write = Double.parseDouble(r.group(2));
                double read = Double.parseDouble(r.group(3));
                add(results, server + " write " + channels, write);
                add(results, server + " read " + channels, read);
                if (serverPid > 0) {
                    Map<Long, double[]> serverAfter = ThreadCpu.threads(serverPid);
                    double[] clientAfter = ThreadCpu.process(p.pid());
                    double wall = mib / write + mib / read;
                    Map<String, double[]> roles = ThreadCpu.byRole(serverBefore, serverAfter,
                            ThreadCpu.names(serverPid));
                    roles.put("client", new double[] {clientAfter[0] + clientAfter[1] - clientBefore[0] - clientBefore[1],
                            clientAfter[1] - clientBefore[1]});
                    for (String role : ROLES) {
                        double[] t = roles.getOrDefault(role, new double[2]);
                        add(results, server + " " + role + " " + channels, t[0] / wall * 100);
                        add(results, server + " " + role + "-sys " + channels, t[1] / wall * 100);
                    }
                }
            }
            p.succeeds();
        }
    }

    private static void add(Map<String, List<Double>> results, String key, double value) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
}
