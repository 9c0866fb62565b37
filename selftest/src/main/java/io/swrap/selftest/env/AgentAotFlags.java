package io.swrap.selftest.env;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The agent's flags for a child JVM, as {@code scripts/swrap-run} gives them: {@code agent_jvm_flags} of
 * {@code scripts/lib/common.sh} for the module options of the child's command line ({@code java_module_options}),
 * so that the child maps the agent's JDK AOT cache trained with exactly those options (swrap-agent/README.md,
 * "AOT cache"). The script builds a missing cache (10-30 s, once per agent jar, JDK and module options, shared
 * with the scripts through {@code SWRAP_CACHE_DIR}); this JVM asks it once per command line and cache directory.
 * {@code SWRAP_CACHE_DIR=off}: the agent's flags without a cache.
 */
public final class AgentAotFlags {
    /** The script asked for a command line's flags: sources common.sh, then prints one flag a line. */
    private static final String SCRIPT = ". \"$1\" && shift && find_jdk && mapfile -t mods < <(java_module_options"
            + " \"$@\") && agent_jvm_flags \"${mods[@]}\"";
    /** A first build of a cache trains a JVM (the script's own limit is 600 s). */
    private static final long TIMEOUT_S = 660;
    private static final Map<List<String>, List<String>> KNOWN = new HashMap<>();

    private AgentAotFlags() {
    }

    /**
     * The flags that put a JVM under the agent with its cache, to come before {@code jvmFlags} (the child's
     * own flags, whose module options choose the cache) on its command line. {@code cacheDir} is the
     * child's {@code SWRAP_CACHE_DIR} (null: the default directory; "off": no cache).
     */
    public static synchronized List<String> forJvm(List<String> jvmFlags, String cacheDir) {
        List<String> key = new ArrayList<>(jvmFlags);
        key.add(String.valueOf(cacheDir));
        List<String> flags = KNOWN.get(key);
        if (flags == null) {
            flags = ask(jvmFlags, cacheDir);
            KNOWN.put(key, flags);
        }
        return flags;
    }

    private static List<String> ask(List<String> jvmFlags, String cacheDir) {
        Path common = scriptsDir().resolve("lib").resolve("common.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", SCRIPT, "agent_jvm_flags", common.toString()));
        cmd.addAll(jvmFlags);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        // the cache belongs to this JDK and this agent jar: the JVMs that map it are started with them
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SWRAP_AGENT_JAR", ChildProcess.agentJar().toString());
        if (cacheDir == null) {
            env.remove("SWRAP_CACHE_DIR");
        } else {
            env.put("SWRAP_CACHE_DIR", cacheDir);
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("agent_jvm_flags of " + common + " did not finish within " + TIMEOUT_S
                        + " s (building the AOT cache?); stderr: " + err.getNow("") + "; set SWRAP_CACHE_DIR=off to go"
                        + " without the cache");
            }
            String stderr = err.get();
            List<String> flags = out.get().lines().filter(l -> !l.isEmpty()).toList();
            if (p.exitValue() != 0 || flags.stream().noneMatch(f -> f.startsWith("-javaagent:"))) {
                throw new IllegalStateException("agent_jvm_flags of " + common + " for " + jvmFlags + " exited with "
                        + p.exitValue() + " and printed " + flags + " (no -javaagent); stderr: " + stderr);
            }
            if (!stderr.isBlank()) {
                // the script's own warnings (a cache that failed to build): the test log keeps them
                System.err.print(stderr);
            }
            return flags;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bash for agent_jvm_flags of " + common + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for agent_jvm_flags of " + common, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the stderr of agent_jvm_flags of " + common + ": "
                    + e.getCause(), e.getCause());
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading agent_jvm_flags' output: " + e.getMessage(), e);
        }
    }

    /**
     * The project's {@code scripts/}: {@code -Dswrap.scripts.dir}, else the one of the checkout these classes
     * were built in ({@code selftest/target/classes} or a jar in {@code selftest/target}).
     */
    static Path scriptsDir() {
        String prop = System.getProperty("swrap.scripts.dir");
        Path dir;
        if (prop != null) {
            dir = Path.of(prop);
        } else {
            java.security.CodeSource src = AgentAotFlags.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                throw new IllegalStateException("the class loader of " + AgentAotFlags.class.getName() + " names no"
                        + " location: pass -Dswrap.scripts.dir=PATH/TO/scripts");
            }
            try {
                // selftest/target/classes (or selftest/target/x.jar) -> the checkout
                Path classes = Path.of(src.getLocation().toURI()).toAbsolutePath();
                dir = classes.getParent().getParent().getParent().resolve("scripts");
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot tell where these classes were loaded from (" + src.getLocation()
                        + ": " + e.getMessage() + "): pass -Dswrap.scripts.dir=PATH/TO/scripts", e);
            }
        }
        if (!Files.isRegularFile(dir.resolve("lib").resolve("common.sh"))) {
            throw new IllegalStateException("no lib/common.sh in " + dir.toAbsolutePath() + ": the agent's JVM flags"
                    + " come from the project's scripts; pass -Dswrap.scripts.dir=PATH/TO/scripts");
        }
        return dir.toAbsolutePath();
    }
}
