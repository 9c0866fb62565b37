package io.swrap.agent;

import io.swrap.shm.ProcessId;

/**
 * This process's id for the start-up path, from {@code /proc/self} rather than
 * {@code ProcessHandle.current()} (swrap-shm's {@link ProcessId} says why).
 */
public final class SelfPid {
    private SelfPid() {
    }

    public static long get() {
        return ProcessId.current();
    }
}
