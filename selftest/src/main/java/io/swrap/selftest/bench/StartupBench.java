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
 * Start-up: a JVM that prints one line and exits, each a fresh JVM: plain, under the agent with the
 * flags given by hand ({@code -javaagent} and native access only: no AOT cache), and under the agent with
 * the flags {@code scripts/swrap-run} gives ({@code -Dswrap.agent.flags}, one a line, from
 * {@code agent_jvm_flags}: with the agent's AOT cache). The child runs below bash, whose
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

    /** What a start-up run measures. */
    enum Variant {
        PLAIN, AGENT, AGENT_AOT;

        /** The JVM flags of this variant; AGENT_AOT without {@code -Dswrap.agent.flags} is not measured. */
        List<String> flags() {
            return switch (this) {
                case PLAIN -> List.of();
                case AGENT -> List.of("-javaagent:" + ChildProcess.agentJar(), "--enable-native-access=ALL-UNNAMED");
                case AGENT_AOT -> {
                    String flags = System.getProperty("swrap.agent.flags", "");
                    yield flags.isBlank() ? List.of() : List.of(flags.strip().split("\n"));
                }
            };
        }
    }

    /** One fresh JVM: {wall ms, CPU ms}. */
    static double[] run(Variant variant, Path base) throws Exception {
        boolean wrapped = variant != Variant.PLAIN;
        Path dir = Files.createTempDirectory(base, "swb");
        try {
            Map<String, String> env = wrapped ? ChildProcess.net(dir, 11) : new HashMap<>();
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "\"$@\" && times", "bash", ChildProcess.JAVA));
            cmd.addAll(variant.flags());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupBench.class.getName()));
            long start = System.nanoTime();
            double cpu = -1;
            try (ChildProcess p = ChildProcess.command("startup-" + variant, env, cmd)) {
                p.succeeds();
                double wall = (System.nanoTime() - start) / 1e6;
                for (String line : p.stdout()) {
                    Matcher m = TIMES.matcher(line);
                    if (m.matches()) {
                        cpu = 1000 * (60 * Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))
                                + 60 * Double.parseDouble(m.group(3)) + Double.parseDouble(m.group(4)));
                    }
                }
                if (cpu < 0 || !p.stdout().contains("hello") || variant == Variant.AGENT_AOT
                        && p.stderr().contains("[aot]")) {
                    throw new IllegalStateException(variant + " start-up run printed no hello, no CPU times or an AOT"
                            + " cache warning: " + p.stdout()
                            + "; stderr: " + p.stderr());
                }
                return new double[] {wall, cpu};
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }
}
