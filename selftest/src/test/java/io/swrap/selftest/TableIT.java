package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.EchoClient;
import io.swrap.selftest.peers.EchoServer;
import io.swrap.selftest.peers.FdPassStress;
import io.swrap.selftest.peers.Probe;
import io.swrap.selftest.peers.TableLockHolder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared socket table across real processes: recovery after a process is killed holding its
 * lock, a stress run of several processes passing sockets around, the network-wide limit, and
 * refusing a table file of another layout. Audits go through the inspection CLI ({@code swrap}).
 */
class TableIT {
    private static final String CLI = "io.swrap.agent.inspect.SwrapCli";

    @TempDir
    Path dir;

    @Test
    void killingAProcessThatHoldsTheTableLockNeverWedgesTheNetwork() throws Exception {
        int rounds = 6;
        try (ChildProcess server = ChildProcess.java("echo", ChildProcess.net(dir, 11), EchoServer.class.getName(),
                "nio", "127.0.0.11:7600")) {
            server.expect("LISTENING /127.0.0.11:7600");
            for (int round = 0; round < rounds; round++) {
                Map<String, String> env = ChildProcess.net(dir, 21);
                env.put("JAVA_TOOL_OPTIONS", "-Dswrap.test.holdTableLock=1");
                // each holder first recovers from the previous one's death: its start and its echo need the lock
                try (ChildProcess holder = ChildProcess.java("holder-" + round, env, TableLockHolder.class.getName(),
                        "127.0.0.11:7600")) {
                    holder.expect("ECHO alive \\d+");
                    holder.expect("SWRAP-TEST holding the table lock: pid " + holder.pid() + ", socket#\\d+");
                    ProcessHandle.of(holder.pid()).orElseThrow().destroyForcibly();
                    assertEquals(137, holder.waitFor(), "killed by SIGKILL");
                }
            }
            try (ChildProcess client = ChildProcess.java("client", ChildProcess.net(dir, 21), EchoClient.class.getName(),
                    "nio", "127.0.0.11:7600")) {
                client.expect("ECHO hello from \\d+");
                client.succeeds();
            }
            Matcher audit = audit(dir);
            assertEquals(Integer.toString(rounds), audit.group("repairs"), "one repair per killed lock holder: " + audit.group());
            assertEquals("0", audit.group("dead"), "no record of a killed holder survives: " + audit.group());
        }
    }

    @Test
    void stressOfProcessesAndThreadsPassingSocketsLeavesACleanTable() throws Exception {
        int processes = 3;
        List<ChildProcess> ring = new ArrayList<>();
        try {
            for (int id = 0; id < processes; id++) {
                Map<String, String> env = ChildProcess.net(dir, 21 + id);
                env.put("SOCKET_WRAPPER_MAX_SOCKETS", "256");
                ring.add(ChildProcess.java("stress-" + id, env, FdPassStress.class.getName(),
                        Integer.toString(id), Integer.toString(processes), "3", "4"));
            }
            for (ChildProcess p : ring) {
                p.expect("STARTED \\d");
            }
            Thread.sleep(500);
            List<String> ls = swrap("ls", dir);
            long pids = ring.stream().filter(p -> ls.stream().anyMatch(l -> l.contains(p.pid() + "("))).count();
            assertTrue(pids >= 2, "swrap ls shows the sockets of the running processes: " + ls);
            for (ChildProcess p : ring) {
                Matcher m;
                try {
                    m = p.expect("STRESS id=\\d passed=(\\d+) received=(\\d+) errors=(\\d+)");
                } catch (AssertionError e) {
                    // one process waits on another's failure: show the whole ring
                    StringBuilder all = new StringBuilder(e.getMessage());
                    for (ChildProcess other : ring) {
                        all.append("\n--- ").append(other.pid()).append(": ").append(other.stdout())
                                .append("\n").append(other.stderr());
                    }
                    throw new AssertionError(all.toString(), e);
                }
                assertEquals("0", m.group(3), "errors: " + p.stdout());
                assertTrue(Integer.parseInt(m.group(1)) > 10, "sockets passed: " + m.group());
                p.succeeds();
            }
        } finally {
            for (ChildProcess p : ring) {
                p.close();
            }
        }
        assertCleanAudit(dir, 0);
    }

    @Test
    void theSocketLimitIsTheNetworksAndTheErrorNamesIt() throws Exception {
        Map<String, String> env = ChildProcess.net(dir, 11);
        env.put("SOCKET_WRAPPER_MAX_SOCKETS", "3");
        try (ChildProcess server = ChildProcess.java("server", env, EchoServer.class.getName(), "nio",
                "127.0.0.11:7000", "127.0.0.12:7000")) {
            server.expect("LISTENING /127.0.0.12:7000");
            try (ChildProcess p = ChildProcess.java("max", env, Probe.class.getName(), "max", "5")) {
                p.expect("OPENED 1");
                p.expect("FAILED java.net.SocketException: Too many open files in system: too many wrapped sockets"
                        + " \\(limit 3, SOCKET_WRAPPER_MAX_SOCKETS\\)");
                p.expect("REOPENED true");
                p.succeeds();
            }
        }
    }

    @Test
    void aTableFileOfAnotherLayoutStopsTheJvmWithTheDifferenceNamed() throws Exception {
        ByteBuffer header = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());
        header.put("swrapshm".getBytes(StandardCharsets.US_ASCII)).putInt(99);
        Path table = dir.resolve("swrap.table");
        Files.write(table, header.array());
        try (ChildProcess p = ChildProcess.java("old-table", ChildProcess.net(dir, 11), Probe.class.getName(), "real")) {
            assertEquals(1, p.waitFor());
            assertTrue(p.stderr().contains(table.toRealPath() + ": incompatible swrap-shm table: layoutVersion: 99"
                    + " (expected: 3); written by another swrap-shm version"), p.stderr());
        }
        Files.delete(table);
        Map<String, String> small = ChildProcess.net(dir, 11);
        small.put("SOCKET_WRAPPER_MAX_SOCKETS", "64");
        try (ChildProcess first = ChildProcess.java("first", small, Probe.class.getName(), "bind", "127.0.0.11:7000")) {
            first.expect("BOUND /127.0.0.11:7000");
        }
        // the table the first process created stays, sized 64: a process configured otherwise is refused
        try (ChildProcess second = ChildProcess.java("second", ChildProcess.net(dir, 11), Probe.class.getName(), "real")) {
            assertEquals(1, second.waitFor());
            assertTrue(second.stderr().contains("capacity: 64 (expected: 65535)"), second.stderr());
            assertTrue(second.stderr().contains("the same SOCKET_WRAPPER_MAX_SOCKETS (this one: 65535)"), second.stderr());
        }
    }

    /** Runs {@code swrap CMD DIR} (the inspection CLI, outside the network) and returns its output. */
    static List<String> swrap(String cmd, Path dir) throws Exception {
        try (ChildProcess p = ChildProcess.plainJava("swrap-" + cmd, new HashMap<>(), CLI, cmd, dir.toString())) {
            p.waitFor();
            return p.stdout();
        }
    }

    static Matcher audit(Path dir) throws Exception {
        try (ChildProcess p = ChildProcess.plainJava("swrap-audit", new HashMap<>(), CLI, "audit", dir.toString())) {
            Matcher m = p.expect("AUDIT capacity=(?<capacity>\\d+) in_use=(?<inuse>\\d+) free_list=(?<free>\\d+)"
                    + " live=(?<live>\\d+) dead_owned=(?<dead>\\d+) repairs=(?<repairs>\\d+) clean=(?<clean>\\w+)");
            p.succeeds();
            assertEquals("true", m.group("clean"), m.group() + " " + p.stdout());
            assertEquals(Integer.parseInt(m.group("capacity")),
                    Integer.parseInt(m.group("free")) + Integer.parseInt(m.group("live")),
                    "free list + live records = capacity: " + m.group());
            return m;
        }
    }

    /** After every process of the network is gone: nothing left in the table. */
    static void assertCleanAudit(Path dir, int live) throws Exception {
        Matcher m = audit(dir);
        assertEquals(Integer.toString(live), m.group("live"), m.group());
        assertEquals("0", m.group("dead"), m.group());
    }
}
