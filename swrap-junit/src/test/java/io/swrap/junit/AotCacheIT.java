package io.swrap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The child JVMs of {@link SwrapEnv#java} map the agent's AOT cache trained with their own module options (no
 * {@code [aot]} line: the JVM would say so on stderr if it refused the cache or its module graph), and none
 * with {@code SWRAP_CACHE_DIR=off}.
 */
@SwrapNet(capture = false)
class AotCacheIT {
    /** A class of the agent jar that a JVM using the cache loads from it. */
    private static final String AGENT_CLASS = "io.swrap.agent.Bootstrap";

    /** The child: prints hello. */
    public static void main(String[] args) {
        System.out.println("hello");
    }

    @Test
    void aChildWithModuleOptionsOfItsOwnMapsTheCacheTrainedWithThem(SwrapEnv net) throws Exception {
        SwrapProcess p = net.java("cached", 11, List.of("-Xlog:class+load", "--add-exports",
                "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"), Map.of(),
                AotCacheIT.class);
        p.expect(".*" + AGENT_CLASS.replace(".", "\\.") + " source: shared objects file.*");
        p.expect("hello");
        assertEquals(0, p.waitFor(), p.stderr());
        assertFalse(p.stderr().contains("[aot]"), "the JVM refused (part of) the cache: " + p.stderr());
    }

    @Test
    void cacheOffStartsTheChildWithoutOne(SwrapEnv net) throws Exception {
        SwrapProcess p = net.java("uncached", 11, List.of("-Xlog:class+load"), Map.of("SWRAP_CACHE_DIR", "off"),
                AotCacheIT.class);
        p.expect(".*" + AGENT_CLASS.replace(".", "\\.") + " source: (?!shared objects file).*");
        p.expect("hello");
        assertEquals(0, p.waitFor(), p.stderr());
    }
}
