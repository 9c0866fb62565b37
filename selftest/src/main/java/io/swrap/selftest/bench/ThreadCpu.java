package io.swrap.selftest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a process spends its CPU: user and system time of each of its threads from /proc (clock ticks of
 * 10 ms), and, for a JVM, the thread names from {@code jcmd PID Thread.print} so that times can be summed by
 * role (event loops, I/O pool, GC and JIT, the rest).
 */
final class ThreadCpu {
    /** Linux's USER_HZ. */
    private static final double TICK_S = 0.01;
    private static final Pattern THREAD = Pattern.compile("^\"([^\"]*)\".*\\bnid=(0x[0-9a-f]+|\\d+)");

    private ThreadCpu() {
    }

    /** User and system seconds of each thread of {@code pid} now: tid → {user, system}. */
    static Map<Long, double[]> threads(long pid) throws IOException {
        Map<Long, double[]> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                double[] us = times(t.resolve("stat"));
                if (us != null) {
                    out.put(Long.parseLong(t.getFileName().toString()), us);
                }
            }
        }
        return out;
    }

    /** User and system seconds of the whole process {@code pid} (all its threads, living and ended). */
    static double[] process(long pid) throws IOException {
        double[] us = times(Path.of("/proc/" + pid + "/stat"));
        if (us == null) {
            throw new IOException("process " + pid + " has ended: no CPU times");
        }
        return us;
    }

    private static double[] times(Path stat) {
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException e) {
            return null; // the thread ended meanwhile
        }
        // after "(comm)": state is field 3, utime 14, stime 15
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new double[] {Long.parseLong(f[11]) * TICK_S, Long.parseLong(f[12]) * TICK_S};
    }

    /** The names of a JVM's threads by tid (Java threads and the VM's own: GC, compiler). */
    static Map<Long, String> names(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " Thread.print failed: " + text);
        }
        Map<Long, String> names = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = THREAD.matcher(line);
            if (m.find()) {
                String nid = m.group(2);
                names.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), m.group(1));
            }
        }
        return names;
    }

    /** The role a JVM thread plays in the server: "loops", "io", "gc+jit" or "other". */
    static String role(String name) {
        if (name == null) {
            return "other";
        }
        if (name.contains("EventLoopGroup")) {
            return "loops";
        }
        if (name.startsWith("smb-io-")) {
            return "io";
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ") || name.contains("CompilerThread")) {
            return "gc+jit";
        }
        return "other";
    }

    /** CPU seconds (user + system, and system alone) by role between two {@link #threads} snapshots. */
    static Map<String, double[]> byRole(Map<Long, double[]> before, Map<Long, double[]> after, Map<Long, String> names) {
        Map<String, double[]> out = new HashMap<>();
        for (var e : after.entrySet()) {
            double[] b = before.getOrDefault(e.getKey(), new double[2]);
            double user = e.getValue()[0] - b[0];
            double sys = e.getValue()[1] - b[1];
            double[] acc = out.computeIfAbsent(role(names.get(e.getKey())), k -> new double[2]);
            acc[0] += user + sys;
            acc[1] += sys;
        }
        return out;
    }
}
