package io.swrap.agent.hooks;

/**
 * Child processes of a JVM whose preloaded C socket_wrapper the agent switched off (by removing
 * SOCKET_WRAPPER_DIR from the process's C environment). A child started without an explicit
 * environment would inherit that C environment, so a C child would run unwrapped and a Java child
 * with its agent off: both on the real network. Such a child gets the JVM's own copy of the
 * environment instead, read before the switch, which still names the network.
 */
public final class ProcessTree {
    private static volatile boolean cEnvironmentChanged;

    private ProcessTree() {
    }

    /** Called once the C environment no longer matches the JVM's copy. */
    public static void cEnvironmentChanged() {
        cEnvironmentChanged = true;
    }

    /** Before a child starts: an untouched builder takes the JVM's copy of the environment. */
    public static void beforeStart(ProcessBuilder builder) {
        if (cEnvironmentChanged) {
            // the first call copies the JVM's environment into the builder; the child then gets exactly it
            builder.environment();
        }
    }
}
