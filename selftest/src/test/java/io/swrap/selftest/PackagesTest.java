package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Both of the README's commands must install everything the project runs, so that either works
 * first on a fresh machine: every system tool path named in the sources must come from a Debian
 * package in {@code SWRAP_PACKAGES} (scripts/lib/common.sh), and so must every module the Python peers import
 * from outside the standard library; both commands must ensure that list.
 */
class PackagesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** Where Debian's Python packages put their modules (spelt so that TOOL does not take it for a tool). */
    private static final Path DIST_PACKAGES = Path.of("/", "usr", "lib", "python3", "dist-packages");
    /** A string literal naming a system tool or library, e.g. "/usr/bin/smbclient". */
    private static final Pattern TOOL = Pattern.compile("\"(/usr/(?:s?bin|lib)/[^\"\\s]+)\"");

    @Test
    void bothCommandsEnsureTheProjectPackages() throws IOException {
        for (String script : List.of("scripts/selftest", "scripts/test")) {
            String text = Files.readString(ROOT.resolve(script));
            assertTrue(text.lines().anyMatch(l -> l.strip().equals("ensure_project_packages")),
                    script + " must call ensure_project_packages (scripts/lib/common.sh)");
        }
    }

    @Test
    void everyToolTheSourcesRunComesFromAnEnsuredPackage() throws Exception {
        Set<String> ensured = new TreeSet<>(run("bash", "-c",
                ". scripts/lib/common.sh && printf '%s\\n' \"${SWRAP_PACKAGES[@]}\""));
        assertTrue(ensured.contains("libsocket-wrapper"), "SWRAP_PACKAGES: " + ensured);
        Set<String> provided = new TreeSet<>(ensured);
        for (String p : ensured) {
            provided.addAll(directDependencies(p));
        }
        Set<String> tools = toolPaths();
        assertTrue(tools.contains("/usr/bin/smbclient"), "tool paths found: " + tools);
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            List<String> owner = run("dpkg", "-S", tool);
            assertEquals(1, owner.size(), "dpkg -S " + tool + ": " + owner);
            String pkg = owner.get(0).substring(0, owner.get(0).indexOf(':'));
            if (!provided.contains(pkg)) {
                missing.add(tool + " (package " + pkg + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("tools run by the sources but not installed by scripts/selftest and scripts/test: " + missing
                    + "; add their packages to SWRAP_PACKAGES in scripts/lib/common.sh");
        }
    }

    /**
     * The Python peers import modules from Debian packages too (python3-fusepy, python3-impacket): every module
     * they import from outside the standard library must come from an ensured package.
     */
    @Test
    void everyModuleThePythonPeersImportComesFromAnEnsuredPackage() throws Exception {
        Set<String> ensured = new TreeSet<>(run("bash", "-c",
                ". scripts/lib/common.sh && printf '%s\\n' \"${SWRAP_PACKAGES[@]}\""));
        Set<String> modules = new TreeSet<>();
        Pattern imports = Pattern.compile("^(?:from|import)\\s+([A-Za-z_][A-Za-z0-9_]*)", Pattern.MULTILINE);
        try (Stream<Path> files = Files.list(ROOT.resolve("selftest/src/main/resources/cpeers"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                Matcher m = imports.matcher(Files.readString(f));
                while (m.find()) {
                    modules.add(m.group(1));
                }
            }
        }
        assertTrue(modules.contains("impacket"), "modules found: " + modules);
        List<String> missing = new ArrayList<>();
        for (String module : modules) {
            String origin = run(io.swrap.selftest.env.ChildProcess.PYTHON, "-c", "import importlib.util as u; s = u.find_spec('" + module
                    + "'); print(s.origin if s and s.origin else 'builtin')").get(0);
            if (!Path.of(origin).startsWith(DIST_PACKAGES)) {
                continue; // the standard library, which python3 brings
            }
            List<String> owner = run("dpkg", "-S", origin);
            String pkg = owner.get(0).substring(0, owner.get(0).indexOf(':'));
            if (!ensured.contains(pkg)) {
                missing.add(module + " (" + origin + ", package " + pkg + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("modules the Python peers import but scripts/selftest and scripts/test do not install: " + missing
                    + "; add their packages to SWRAP_PACKAGES in scripts/lib/common.sh");
        }
    }

    private static Set<String> toolPaths() throws IOException {
        Set<String> tools = new TreeSet<>();
        for (String module : List.of("selftest", "smb2-protocol", "smbclient", "smbserver", "swrap-agent", "swrap-shm")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = TOOL.matcher(Files.readString(f));
                    while (m.find()) {
                        if (!m.group(1).startsWith("/usr/lib/jvm")) {
                            tools.add(m.group(1));
                        }
                    }
                }
            }
        }
        return tools;
    }

    /** The package names in {@code pkg}'s Depends and Pre-Depends (alternatives included). */
    private static Set<String> directDependencies(String pkg) throws Exception {
        Set<String> deps = new TreeSet<>();
        for (String line : run("dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}\\n", pkg)) {
            for (String alt : line.split("[,|]")) {
                String name = alt.strip().split("[\\s:(]", 2)[0];
                if (!name.isEmpty()) {
                    deps.add(name);
                }
            }
        }
        return deps;
    }

    private static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish in 30 s");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
