package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JVM under the agent does before {@code main} that it need not: judged from the classes it
 * loads ({@code -Xlog:class+load}), which, unlike time, a busy machine does not blur. A program that
 * prints one line, in a network it creates, with the advised class cache warm.
 */
class StartupCostIT {
    /** Classes whose loading means avoidable start-up work, and what the work is. */
    private static final Map<Pattern, String> AVOIDABLE = Map.of(
            Pattern.compile("io\\.swrap\\.agent\\.\\S*\\$\\$Lambda"), "a lambda of the agent spun a class",
            Pattern.compile("\\$\\$StringConcat"), "an indy string concatenation spun a class",
            Pattern.compile("java\\.lang\\.runtime\\.ObjectMethods "), "a record's toString/equals/hashCode ran",
            Pattern.compile("jdk\\.internal\\.foreign\\.abi\\.DowncallLinker "),
            "an FFM downcall was linked (the table's creator initialising its mutex?)",
            Pattern.compile("java\\.security\\.SecureRandom "), "a SecureRandom was seeded",
            Pattern.compile("java\\.util\\.ServiceLoader "), "a service lookup ran (it opens every jar of the class path)");

    @TempDir
    Path dir;

    @Test
    void aHelloInANewNetworkSpinsNoClassAndLinksNoDowncall() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        List<String> log = null;
        for (int run = 1; run <= 2; run++) { // the first fills the advised class cache
            Path net = Files.createDirectories(dir.resolve("net" + run));
            Path classes = dir.resolve("classes" + run + ".log");
            Map<String, String> env = new HashMap<>(ChildProcess.net(net, 11));
            env.put("SWRAP_CACHE_DIR", cache.toString());
            try (ChildProcess p = ChildProcess.java("hello-" + run, env, List.of("-Xlog:class+load:file=" + classes),
                    "io.swrap.selftest.bench.StartupBench")) {
                p.succeeds();
                assertEquals(List.of("hello"), p.stdout());
            }
            log = Files.readAllLines(classes);
        }
        StringBuilder problems = new StringBuilder();
        for (String line : log) {
            for (Map.Entry<Pattern, String> e : AVOIDABLE.entrySet()) {
                if (e.getKey().matcher(line).find()) {
                    problems.append(e.getValue()).append(": ").append(line).append('\n');
                }
            }
        }
        assertTrue(problems.isEmpty(), "avoidable start-up work (" + log.size() + " classes loaded):\n" + problems);
    }
}
