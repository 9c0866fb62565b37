package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The selftest's child JVMs under the agent map the agent's AOT cache as scripts/swrap-run's do: the one
 * trained with their module options (theirs and a test's own), with no {@code [aot]} line from the JVM, and
 * none with {@code SWRAP_CACHE_DIR=off}.
 */
class AgentAotFlagsIT {
    /** A class of the agent jar that a JVM using the cache loads from it. */
    private static final String AGENT_CLASS = "io.swrap.agent.Bootstrap";

    @TempDir
    Path dir;

    @Test
    void aChildWithModuleOptionsOfItsOwnMapsTheCacheTrainedWithThem() throws Exception {
        // a module option beyond the ones every child has: a cache of its own (built now if missing)
        List<String> flags = List.of("-Xlog:class+load", "--add-opens", "java.base/java.lang=ALL-UNNAMED");
        assertTrue(ChildProcess.agentFlags(flags, Map.of()).stream().anyMatch(f -> f.startsWith("-XX:AOTCache=")),
                ChildProcess.agentFlags(flags, Map.of()).toString());
        try (ChildProcess p = ChildProcess.java("hello", ChildProcess.net(dir, 11), flags,
                "io.swrap.selftest.bench.StartupBench")) {
            p.succeeds();
            assertTrue(p.stdout().contains("hello"), p.stdout().toString());
            assertTrue(p.stdout().stream().anyMatch(l -> l.contains(AGENT_CLASS + " source: shared objects file")),
                    AGENT_CLASS + " not from the AOT cache: " + p.stdout().stream().filter(l -> l.contains(AGENT_CLASS))
                            .toList());
            assertFalse(p.stderr().contains("[aot]"), "the JVM refused (part of) its AOT cache: " + p.stderr());
        }
    }

    @Test
    void cacheOffStartsTheChildWithoutOne() throws Exception {
        Map<String, String> env = new HashMap<>(ChildProcess.net(dir, 11));
        env.put("SWRAP_CACHE_DIR", "off");
        List<String> flags = List.of("-Xlog:class+load");
        assertTrue(ChildProcess.agentFlags(flags, env).stream().noneMatch(f -> f.startsWith("-XX:AOTCache")),
                ChildProcess.agentFlags(flags, env).toString());
        try (ChildProcess p = ChildProcess.java("hello cache off", env, flags, "io.swrap.selftest.bench.StartupBench")) {
            p.succeeds();
            assertTrue(p.stdout().contains("hello"), p.stdout().toString());
            assertTrue(p.stdout().stream().anyMatch(l -> l.contains(AGENT_CLASS + " source: ")
                    && !l.contains("shared objects file")), "the agent's classes came from an archive");
        }
    }
}
