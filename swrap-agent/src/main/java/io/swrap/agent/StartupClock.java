package io.swrap.agent;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Start-up profile at SOCKET_WRAPPER_DEBUGLEVEL 3: one trace line per phase of the agent's start
 * with its wall and process CPU time and the classes the JVM loaded meanwhile. Off (no clock read,
 * no management classes loaded) below trace level, so it costs nothing in normal runs.
 */
public final class StartupClock {
    private final boolean on;
    private long wall;
    private long cpu;
    private long classes;

    public StartupClock() {
        on = SwrapLog.enabled(SwrapLog.TRACE);
        if (on) {
            // the clock's own classes (process info, management beans: ~40 ms) are loaded before the
            // first reading, so the first phase shows the agent's work only
            cpuNanos();
            loadedClasses();
            wall = System.nanoTime();
            cpu = cpuNanos();
            classes = loadedClasses();
        }
    }

    /** Logs the phase that ends now and starts the next one. */
    public void phase(String name) {
        if (!on) {
            return;
        }
        long w = System.nanoTime();
        long c = cpuNanos();
        long n = loadedClasses();
        SwrapLog.trace("swrap_init", String.format(java.util.Locale.ROOT,
                "start-up phase %-22s %7.1f ms wall %7.1f ms cpu %5d classes", name,
                (w - wall) / 1e6, (c - cpu) / 1e6, n - classes));
        wall = System.nanoTime();
        cpu = cpuNanos();
        classes = loadedClasses();
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long loadedClasses() {
        return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }
}
