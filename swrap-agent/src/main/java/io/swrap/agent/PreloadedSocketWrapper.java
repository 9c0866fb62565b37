package io.swrap.agent;

import io.swrap.agent.hooks.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * C socket_wrapper preloaded into this JVM: a JVM started by a program under
 * {@code LD_PRELOAD=libsocket_wrapper.so} (a launcher script under {@code scripts/swrap-run}) inherits
 * it, and a process cannot unload a preloaded library. Both wrappers in one process would disagree
 * on every inet socket, so the agent switches C off: C socket_wrapper reads SOCKET_WRAPPER_DIR
 * from the C environment on every call and passes everything to libc when it is unset. The JVM's
 * own copy of the environment is read before this, and {@link ProcessTree} hands it to every child
 * process, so children still inherit both LD_PRELOAD and SOCKET_WRAPPER_DIR (C children under C,
 * Java children under their own agent).
 */
final class PreloadedSocketWrapper {
    static final String LIBRARY = "libsocket_wrapper";

    private PreloadedSocketWrapper() {
    }

    /** The path of a libsocket_wrapper mapped into this process, or null. */
    static String loaded() throws IOException {
        // a loop, not a stream: every JVM runs this before main, where each lambda spins a class
        try (BufferedReader maps = Files.newBufferedReader(Path.of("/proc/self/maps"))) {
            for (String l = maps.readLine(); l != null; l = maps.readLine()) {
                String path = l.substring(l.lastIndexOf(' ') + 1);
                if (path.contains(LIBRARY)) {
                    return path;
                }
            }
            return null;
        }
    }

    /**
     * Disables a preloaded C socket_wrapper for this process, before the agent creates any socket;
     * nothing to do without one. Restricted (unsetenv through FFM): the agent's JVMs run with
     * --enable-native-access.
     */
    @SuppressWarnings("restricted")
    static void neutralise() throws IOException {
        String library = loaded();
        if (library == null) {
            return;
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle unsetenv = linker.downcallHandle(linker.defaultLookup().find("unsetenv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) unsetenv.invokeExact(arena.allocateFrom("SOCKET_WRAPPER_DIR"));
        } catch (Throwable t) {
            throw new IOException("cannot switch off C socket_wrapper (" + library + ", preloaded into this JVM):"
                    + " unsetenv(SOCKET_WRAPPER_DIR) failed: " + t, t);
        }
        if (rc != 0) {
            throw new IOException("cannot switch off C socket_wrapper (" + library + ", preloaded into this JVM):"
                    + " unsetenv(SOCKET_WRAPPER_DIR) returned " + rc);
        }
        ProcessTree.cEnvironmentChanged();
        SwrapLog.debug("swrap_init", "C socket_wrapper " + library + " is preloaded into this JVM: switched off"
                + " for this process (SOCKET_WRAPPER_DIR removed from its C environment); the agent wraps its"
                + " sockets, child processes inherit LD_PRELOAD and SOCKET_WRAPPER_DIR unchanged");
    }
}
