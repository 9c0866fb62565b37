package io.swrap.junit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's JDK AOT cache for the child JVMs of {@link SwrapEnv}, built here as {@code scripts/swrap-run}
 * builds it (swrap-agent/README.md, "AOT cache"), without the project's scripts: one cache per agent jar,
 * JDK and set of module options, in {@code $SWRAP_CACHE_DIR/aot} (default {@code ~/.cache/swrap-agent/aot}),
 * named by a hash of all the JVM checks of it; trained once by {@code io.swrap.agent.AotTraining} (the agent
 * jar's) under {@code -XX:AOTCacheOutput}, checked with {@code -XX:AOTMode=on}, renamed into place under a
 * file lock. {@code SWRAP_CACHE_DIR=off}: no cache. A failed build leaves {@code KEY.failed} (its log), says
 * so once on stderr, and the JVMs start without a cache (slower, not wrong) until it is deleted.
 */
final class AgentAotCache {
    /** The training's limit, as the scripts': a first build trains a JVM and assembles in another. */
    private static final long BUILD_TIMEOUT_S = 600;
    /** The JVM's own check of a new cache. */
    private static final long CHECK_TIMEOUT_S = 120;
    /** Class linking crashes JDK 25.0.3 assembling this agent's cache (swrap-agent/README.md, "AOT cache"). */
    private static final List<String> TRAINING = List.of("-XX:-AOTClassLinking");
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    private static final Map<List<String>, List<String>> KNOWN = new HashMap<>();

    private AgentAotCache() {
    }

    /**
     * The flags that put a JVM under the agent, with the cache trained with {@code moduleOptions} (the module
     * options of the rest of its command line, {@link #moduleOptions}) when there is one: to come before them.
     * {@code cacheBase} is {@code SWRAP_CACHE_DIR} (null: the default directory; "off": no cache).
     */
    static synchronized List<String> flags(Path agentJar, List<String> moduleOptions, String cacheBase) {
        List<String> key = new ArrayList<>(moduleOptions);
        key.add(agentJar.toString());
        key.add(String.valueOf(cacheBase));
        List<String> flags = KNOWN.get(key);
        if (flags == null) {
            flags = compute(agentJar, moduleOptions, cacheBase);
            KNOWN.put(key, flags);
        }
        return flags;
    }

    private static List<String> compute(Path agentJar, List<String> moduleOptions, String cacheBase) {
        List<String> agent = new ArrayList<>(List.of("-javaagent:" + agentJar));
        if (!moduleOptions.contains(NATIVE_ACCESS)) {
            agent.add(NATIVE_ACCESS);
        }
        Path base = base(cacheBase);
        if (base == null) {
            return agent;
        }
        List<String> trained = new ArrayList<>(agent);
        trained.addAll(moduleOptions);
        Path aot = cache(base.resolve("aot"), agentJar, trained);
        if (aot == null) {
            return agent;
        }
        List<String> flags = new ArrayList<>();
        // the cache holds the agent's classes as the boot loader's, found on the boot class path the JVM starts
        // with; the JVM's AOT messages go to stderr (by default its warnings go to stdout, the program's data)
        flags.add("-Xbootclasspath/a:" + agentJar);
        flags.addAll(agent);
        flags.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:aot=warning:stderr"));
        return flags;
    }

    /** SWRAP_CACHE_DIR, else $XDG_CACHE_HOME/swrap-agent or ~/.cache/swrap-agent; null for "off". */
    private static Path base(String cacheBase) {
        if ("off".equals(cacheBase)) {
            return null;
        }
        if (cacheBase != null && !cacheBase.isEmpty()) {
            return Path.of(cacheBase);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isEmpty() ? Path.of(xdg, "swrap-agent")
                : Path.of(System.getProperty("user.home"), ".cache", "swrap-agent");
    }

    /**
     * The module options of JVM flags, as {@code --name=value}, in their order (those the JVM keeps in its
     * module graph, which must equal the cache's for the JVM to map it).
     */
    static List<String> moduleOptions(List<String> jvmFlags) {
        List<String> names = List.of("--add-exports", "--add-opens", "--add-modules", "--add-reads", "--patch-module",
                "--enable-native-access", "--limit-modules", "--upgrade-module-path");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < jvmFlags.size(); i++) {
            String f = jvmFlags.get(i);
            int eq = f.indexOf('=');
            if (names.contains(f) && i + 1 < jvmFlags.size()) {
                out.add(f + "=" + jvmFlags.get(++i));
            } else if (eq > 0 && names.contains(f.substring(0, eq))) {
                out.add(f);
            }
        }
        return out;
    }

    /** The cache for these training flags in {@code dir}, built first if missing; null when there is none. */
    private static Path cache(Path dir, Path agentJar, List<String> trained) {
        String key;
        try {
            Files.createDirectories(dir);
            key = key(agentJar, trained);
        } catch (IOException e) {
            warn("cannot create " + dir + " or read what names the cache (" + e.getMessage() + "); the JVMs start"
                    + " without it (slower). Make it writable, or set SWRAP_CACHE_DIR=off");
            return null;
        }
        Path aot = dir.resolve(key + ".aot");
        Path failed = dir.resolve(key + ".failed");
        if (Files.isRegularFile(aot)) {
            return aot;
        }
        if (Files.exists(failed)) {
            return null; // said once, when it failed; the log is there
        }
        // one builder per cache, across JVMs (the lock) and within this one (synchronized callers)
        try (FileChannel lockFile = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock _ = lockFile.lock()) {
            if (!Files.isRegularFile(aot) && !Files.exists(failed)) {
                build(dir, key, agentJar, trained);
            }
            return Files.isRegularFile(aot) ? aot : null;
        } catch (IOException e) {
            warn("cannot build the AOT cache " + aot + ": " + e.getMessage() + "; the JVMs start without it (slower)");
            return null;
        }
    }

    /** A hash of what the JVM checks of a cache: the agent jar (path, size, time, content), the JDK, the flags. */
    private static String key(Path agentJar, List<String> trained) throws IOException {
        Path home = Path.of(System.getProperty("java.home"));
        StringBuilder text = new StringBuilder("swrap-junit\n").append(agentJar).append('\n').append(home).append('\n')
                .append(String.join(" ", trained)).append('\n').append(String.join(" ", TRAINING)).append('\n');
        for (Path f : List.of(agentJar, home.resolve("lib").resolve("modules"),
                home.resolve("lib").resolve("server").resolve("libjvm.so"))) {
            text.append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f).toMillis() / 1000).append('\n');
        }
        text.append(HexFormat.of().formatHex(sha256(Files.readAllBytes(agentJar)))).append('\n');
        text.append(Files.readString(home.resolve("release")));
        return HexFormat.of().formatHex(sha256(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 24);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256, which every Java SE JDK must have", e);
        }
    }

    /** The training run in a throw-away network, then the JVM's check; a failure leaves KEY.failed. */
    private static void build(Path dir, String key, Path agentJar, List<String> trained) throws IOException {
        long pid = ProcessHandle.current().pid();
        Path tmp = dir.resolve(key + "." + pid + ".tmp.aot");
        Path log = dir.resolve(key + "." + pid + ".log");
        Path net = Files.createTempDirectory("swrap-aot.");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String problem;
        try {
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:AOTCacheOutput=" + tmp));
            cmd.addAll(TRAINING);
            cmd.addAll(trained);
            cmd.addAll(List.of("-cp", "", "io.swrap.agent.AotTraining"));
            Map<String, String> env = new HashMap<>();
            env.put("SOCKET_WRAPPER_DIR", net.toString());
            env.put("SOCKET_WRAPPER_DEFAULT_IFACE", "11");
            env.put("SWRAP_CACHE_DIR", dir.getParent().toString());
            // the assembling child runs no agent: it is given the jar on its boot class path up front
            env.put("JDK_AOT_VM_OPTIONS", "-Xbootclasspath/a:" + agentJar);
            int rc = run(cmd, env, log, BUILD_TIMEOUT_S);
            // the recording JVM exits 0 even when the assembling child crashed: the file tells
            if (rc != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                problem = "training exited " + rc + " and left no cache " + tmp;
            } else {
                List<String> check = new ArrayList<>(List.of(java, "-XX:AOTMode=on", "-XX:AOTCache=" + tmp,
                        "-Xbootclasspath/a:" + agentJar));
                check.addAll(trained);
                check.add("-version");
                int checked = run(check, Map.of(), log, CHECK_TIMEOUT_S);
                problem = checked == 0 ? null
                        : "a JVM with the agent's flags refused the new cache " + tmp + " (-XX:AOTMode=on, exit " + checked + ")";
            }
        } finally {
            try (var files = Files.walk(net)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (problem == null) {
            try {
                Files.move(tmp, dir.resolve(key + ".aot"), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " into place atomically in " + dir + ": " + e.getMessage(), e);
            }
            Files.deleteIfExists(log);
            return;
        }
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(Path.of(tmp + ".config"));
        Files.writeString(log, problem + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
        Path failed = dir.resolve(key + ".failed");
        Files.move(log, failed, StandardCopyOption.REPLACE_EXISTING);
        warn("building the AOT cache " + dir.resolve(key + ".aot") + " failed (" + problem + "; log: " + failed
                + "): the JVMs start without it (slower, not wrong); delete the log to try again");
    }

    /** Runs {@code cmd} in a clean environment plus {@code env}, its output appended to {@code log}. */
    private static int run(List<String> cmd, Map<String, String> env, Path log, long timeoutS) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the caller's JAVA_TOOL_OPTIONS, LD_PRELOAD or socket_wrapper settings must not shape the training
        Map<String, String> e = pb.environment();
        String path = e.get("PATH");
        String home = e.get("HOME");
        e.clear();
        if (path != null) {
            e.put("PATH", path);
        }
        e.put("HOME", home != null ? home : System.getProperty("user.home"));
        e.putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Files.writeString(log, cmd + " did not finish within " + timeoutS + " s: killed\n",
                        StandardOpenOption.APPEND, StandardOpenOption.CREATE);
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException ie) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted running " + cmd.getFirst() + " for the AOT cache");
        }
    }

    private static void warn(String message) {
        System.err.println("SWRAP_WARN[swrap-junit (" + ProcessHandle.current().pid() + ")] - swrap_aot: " + message);
    }
}
