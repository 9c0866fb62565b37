package io.swrap.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's id for the start-up path. {@code ProcessHandle.current()} initialises
 * {@code ProcessHandleImpl}, which builds the JDK's process reaper thread pool and spins a lambda
 * (~10 ms before main); {@code /proc/self} names the same id through file-system classes the agent
 * has loaded already. Off Linux's procfs it falls back to {@code ProcessHandle}.
 */
public final class SelfPid {
    private static final long PID = read();

    private SelfPid() {
    }

    public static long get() {
        return PID;
    }

    private static long read() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }
}
