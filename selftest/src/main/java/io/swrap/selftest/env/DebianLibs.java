package io.swrap.selftest.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The shared libraries of the Debian packages the suites preload, and the old JVM they run, found where the
 * package installed them ({@code dpkg -L}), so that no architecture's directory is written into the sources.
 */
public final class DebianLibs {
    private static final long DPKG_TIMEOUT_SECONDS = 30;
    private static final ConcurrentHashMap<String, Path> FOUND = new ConcurrentHashMap<>();

    private DebianLibs() {
    }

    /** libsocket_wrapper.so of libsocket-wrapper. */
    public static Path libsocketWrapper() {
        return find("libsocket-wrapper", "libsocket_wrapper.so");
    }

    /** libresolv_wrapper.so of libresolv-wrapper. */
    public static Path libresolvWrapper() {
        return find("libresolv-wrapper", "libresolv_wrapper.so");
    }

    /** The java launcher of openjdk-17-jre-headless (the old JVM the agent must refuse with a message). */
    public static Path java17() {
        return find("openjdk-17-jre-headless", "bin/java");
    }

    private static Path find(String pkg, String file) {
        return FOUND.computeIfAbsent(pkg + "/" + file, k -> {
            try {
                Process p = new ProcessBuilder("dpkg", "-L", pkg).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(DPKG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("dpkg -L " + pkg + " did not finish within " + DPKG_TIMEOUT_SECONDS + " s");
                }
                for (String line : out.split("\n")) {
                    if (line.endsWith("/" + file) && Files.isRegularFile(Path.of(line))) {
                        return Path.of(line);
                    }
                }
                throw new IllegalStateException(file + " not found in Debian package " + pkg + " (dpkg -L " + pkg
                        + " exited " + p.exitValue() + "): apt-get install -y " + pkg + "\n" + out.strip());
            } catch (IOException e) {
                throw new IllegalStateException("dpkg -L " + pkg + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted running dpkg -L " + pkg, e);
            }
        });
    }
}
