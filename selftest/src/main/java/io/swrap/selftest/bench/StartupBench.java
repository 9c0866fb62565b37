package io.swrap.selftest.bench;

import io.swrap.selftest.env.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up: a JVM that prints one line and exits, plain and under the agent (flags as by hand:
 * {@code -javaagent} and native access only), each a fresh JVM. The child runs below bash, whose
 * {@code times} reports the child's user and system CPU time after it exited; wall time is from
 * starting bash to its exit, the same few milliseconds of bash in both.
 */
final class StartupBench {
    /** {@code 0m0.412s 0m0.051s}: the last such line of {@code times} is the children's user and system time. */
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s");

    private StartupBench() {
    }

    /** The program measured. */
    public static void main(String[] args) {
        System.out.println("hello");
    }

    /** One fresh JVM: {wall ms, CPU ms}. */
    static double[] run(boolean wrapped, Path base) throws Exception {
        Path dir = Files.createTempDirectory(base, "swb");
        try {
            Map<String, String> env = wrapped ? ChildProcess.net(dir, 11) : new HashMap<>();
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "\"$@\" && times", "bash", ChildProcess.JAVA));
            if (wrapped) {
                cmd.addAll(List.of("-javaagent:" + ChildProcess.agentJar(), "--enable-native-access=ALL-UNNAMED"));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupBench.class.getName()));
            long start = System.nanoTime();
            double cpu = -1;
            try (ChildProcess p = ChildProcess.command(wrapped ? "startup-wrapped" : "startup-plain", env, cmd)) {
                p.succeeds();
                double wall = (System.nanoTime() - start) / 1e6;
                for (String line : p.stdout()) {
                    Matcher m = TIMES.matcher(line);
                    if (m.matches()) {
                        cpu = 1000 * (60 * Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))
                                + 60 * Double.parseDouble(m.group(3)) + Double.parseDouble(m.group(4)));
                    }
                }
                if (cpu < 0 || !p.stdout().contains("hello")) {
                    throw new IllegalStateException("start-up run printed no hello or no CPU times: " + p.stdout()
                            + "; stderr: " + p.stderr());
                }
                return new double[] {wall, cpu};
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }
}
