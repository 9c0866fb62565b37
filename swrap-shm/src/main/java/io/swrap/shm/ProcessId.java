package io.swrap.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's id, read once. {@code ProcessHandle.current()} initialises {@code ProcessHandleImpl},
 * which builds the JDK's process reaper thread pool and spins a lambda (~10 ms in a JVM's start, where an
 * agent maps its tables before main); {@code /proc/self} names the same id through file-system classes
 * already loaded. Off Linux's procfs it falls back to {@code ProcessHandle}.
 */
public final class ProcessId {
    private static final long PID = read();

    private ProcessId() {
    }

    public static long current() {
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
