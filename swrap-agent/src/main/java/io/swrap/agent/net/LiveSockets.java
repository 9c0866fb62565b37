package io.swrap.agent.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells a live socket's file from a stale one left by a dead process, from the kernel's own list
 * of unix sockets ({@code /proc/net/unix}). C socket_wrapper unlinks whatever is there and binds,
 * so two servers can silently steal each other's address; the agent refuses with EADDRINUSE.
 */
public final class LiveSockets {
    private static final Path PROC_NET_UNIX = Path.of("/proc/net/unix");

    private LiveSockets() {
    }

    /**
     * Whether some open socket of any process is bound to {@code path}, or {@code path} is the
     * IPv4 name of a live dual-stack listener (see {@link DualStack}).
     */
    public static boolean isBound(Path path) throws IOException {
        return isBoundExactly(path) || DualStack.isLiveTwin(path);
    }

    /**
     * The last path component of every bound unix socket of any process, read once. Names and
     * not paths: a C process may have bound through a symlinked or relative SOCKET_WRAPPER_DIR,
     * so a name live anywhere counts as live here.
     */
    static Set<String> boundNames() throws IOException {
        Set<String> out = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(PROC_NET_UNIX, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                int space = line.lastIndexOf(' ');
                int slash = line.lastIndexOf('/');
                if (space > 0 && line.charAt(space + 1) != '@') {
                    out.add(line.substring(Math.max(space, slash) + 1));
                }
            }
        }
        return out;
    }

    /** Whether some open socket of any process is bound to {@code path} itself. */
    static boolean isBoundExactly(Path path) throws IOException {
        String wanted = " " + path;
        try (BufferedReader r = Files.newBufferedReader(PROC_NET_UNIX, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.endsWith(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }
}
