package io.swrap.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The extension's teardown: process trees ended, orphans found, directories kept only on failure. */
class TeardownIT {
    private static final String LISTEN = "import socket, time; s = socket.socket(); s.bind(('127.0.0.12', 7100));"
            + " s.listen(); print('LISTENING', flush=True); time.sleep(300)";

    @Test
    void aProcessTreeIsEndedAndTheDirectoryRemoved() throws Exception {
        Path base = Files.createTempDirectory("swrap-junit-test.");
        SwrapEnv env = new SwrapEnv(base, true, "");
        // a shell whose child listens: the child is a descendant, ended with it
        SwrapProcess sh = env.c("tree", 21, "sh", "-c", "python3 -c \"" + LISTEN + "\"; echo never");
        env.awaitListener("127.0.0.12", 7100);
        List<ProcessHandle> tree = sh.process().descendants().toList();
        assertFalse(tree.isEmpty(), "the shell's python3 child");
        env.close();
        assertFalse(sh.alive(), "the shell is ended");
        tree.forEach(h -> assertFalse(h.isAlive(), "descendant " + h.pid() + " is ended"));
        assertFalse(Files.exists(base), "a passing test's network directory is removed");
    }

    @Test
    void anOrphanHoldingTheNetworkFailsTheTeardown() throws Exception {
        Path base = Files.createTempDirectory("swrap-junit-test.");
        SwrapEnv env = new SwrapEnv(base, false, "");
        // setsid in a background job: reparented to init when the shell exits, no longer a descendant; its
        // output not to the shell's pipe, which the JDK closes once the shell has exited
        SwrapProcess sh = env.c("escaper", 21, Map.of(), "sh", "-c", "setsid python3 -c \"" + LISTEN + "\" >/dev/null 2>&1 &");
        sh.succeeds();
        env.awaitListener("127.0.0.12", 7100);
        List<ProcessHandle> escaped = ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .map(c -> c.contains("127.0.0.12', 7100")).orElse(false)).toList();
        try {
            AssertionError e = assertThrows(AssertionError.class, env::close);
            assertTrue(e.getMessage().contains("orphan") && e.getMessage().contains("T0C1BBC"), e.getMessage());
            assertTrue(Files.exists(base), "the directory of a network with orphans is kept");
        } finally {
            escaped.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : escaped) {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (var s = Files.walk(base)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertFalse(escaped.isEmpty(), "the escaped python3 was found by its command line");
    }
}
