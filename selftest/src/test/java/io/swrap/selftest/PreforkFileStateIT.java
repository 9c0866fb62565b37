package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.peers.CrossWorkerPeer;
import io.swrap.selftest.peers.OplockHolderPeer;
import io.swrap.smb.state.FileIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file state shared by the workers of a prefork server ({@code prefork children = 2}, the store in a
 * swrap-shm table): two Java clients, two ClientGuids, asserted (from the fake network's socket table) to be
 * served by two different workers, see each other's share modes, byte-range locks and delete-pending; kill -9
 * of the worker holding them leaves nothing locked once the master has restarted it.
 */
class PreforkFileStateIT {
    private static final int[] NICS = {11, 12};
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CONFLICTS = "write-open=STATUS_SHARING_VIOLATION read-open=OK lock=STATUS_LOCK_NOT_GRANTED"
            + " read=STATUS_FILE_LOCK_CONFLICT doc=STATUS_DELETE_PENDING";

    @TempDir
    static Path base;

    private static ChildProcess peer(SmbEnv env, int iface, String scenario) throws Exception {
        return ChildProcess.java("CrossWorkerPeer-" + iface, ChildProcess.net(env.swrapDir(), iface),
                CrossWorkerPeer.class.getName(), "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD,
                scenario);
    }

    /** Runs a probe from {@code iface}; returns its result and the pid of the worker that served it. */
    private static String[] probe(SmbEnv env, int iface) throws Exception {
        Path done = base.resolve("probe-done-" + iface);
        try (ChildProcess p = peer(env, iface, "probe:held.bin:doc.bin:" + done)) {
            Matcher m = p.expect("PROBED (.*)", WAIT);
            int worker = PreforkIT.soleOwner(PreforkIT.serverSockets(env, iface, 1).getFirst());
            Files.createFile(done);
            p.expect("OK probe.*", WAIT);
            p.succeeds();
            return new String[] {m.group(1), Integer.toString(worker)};
        }
    }

    @Test
    void twoWorkersSeeEachOthersOpensLocksAndDeletePendingAndADeadWorkersEntriesGo() throws Exception {
        try (SmbEnv env = SmbEnv.start(base.resolve("net"), NICS, "prefork children = 2")) {
            Path release = base.resolve("release");
            int holder;
            try (ChildProcess a = peer(env, 41, "hold:held.bin:doc.bin:" + release)) {
                a.expect("HELD", WAIT);
                holder = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 41, 1).getFirst());
                String[] seen = probe(env, 42);
                assertNotEquals(Integer.toString(holder), seen[1], "the two clients in two workers");
                assertTrue(PreforkIT.workers(env).contains((long) holder), "a worker holds the files, not the master");
                assertEquals(CONFLICTS, seen[0], "server:\n" + env.serverStderr());
                Files.createFile(release);
                a.expect("OK hold.*", WAIT);
                a.succeeds();
            }
            String[] after = probe(env, 43);
            // the holder's worker deleted doc.bin at its last close
            assertEquals("write-open=OK read-open=OK lock=OK read=OK doc=STATUS_OBJECT_NAME_NOT_FOUND", after[0],
                    "server:\n" + env.serverStderr());

            Path never = base.resolve("never");
            int killed;
            try (ChildProcess a = peer(env, 44, "hold:held.bin:doc.bin:" + never)) {
                a.expect("HELD", WAIT);
                killed = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 44, 1).getFirst());
                assertEquals(CONFLICTS, probe(env, 45)[0], "server:\n" + env.serverStderr());
                ProcessHandle.of(killed).orElseThrow().destroyForcibly();
                PreforkIT.awaitRestart(env, killed);
            }
            Matcher dropped = Pattern.compile("pid " + killed + "\\) exited .* (\\d+) file-state entries dropped")
                    .matcher(env.serverStderr());
            assertTrue(dropped.find(), env.serverStderr());
            // two share entries (held.bin, doc.bin's kept handle) and the lock; oplock-less grants too
            assertTrue(Integer.parseInt(dropped.group(1)) >= 3, dropped.group());
            // delete-pending went with the dead worker's opens of doc.bin: it is still there, and nothing is locked
            assertEquals("write-open=OK read-open=OK lock=OK read=OK doc=OK", probe(env, 46)[0],
                    "server:\n" + env.serverStderr());
        }
    }

    /**
     * A batch oplock held by a client of one worker, an open of the file by a client of another: the break is
     * decided in the shared record and must reach the holder through its worker; the holder closes, and the
     * open completes at once rather than after the 35 s break timeout.
     */
    @Test
    void anOplockBreakReachesTheHolderInAnotherWorker() throws Exception {
        try (SmbEnv env = SmbEnv.start(base.resolve("net-break"), NICS, "prefork children = 2")) {
            Path done = base.resolve("break-done");
            try (ChildProcess holder = ChildProcess.java("OplockHolderPeer", ChildProcess.net(env.swrapDir(), 51),
                    OplockHolderPeer.class.getName(), "127.0.0.11:" + SmbEnv.PORT, "share", SmbEnv.USER,
                    SmbEnv.PASSWORD, "batch.bin:1")) {
                holder.expect("HELD batch.bin:1 oplock=9 .*", WAIT);
                int holderWorker = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 51, 1).getFirst());
                try (ChildProcess opener = peer(env, 52, "open:batch.bin:" + done)) {
                    Matcher opened = opener.expect("OPENED ms=(\\d+)", WAIT);
                    int openerWorker = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 52, 1).getFirst());
                    assertNotEquals(holderWorker, openerWorker, "the two clients in two workers");
                    Matcher broken = holder.expect("OK batch.bin:1 .* break=(\\d+) .*", WAIT);
                    assertEquals("1", broken.group(1), "batch broken to level II");
                    assertTrue(Long.parseLong(opened.group(1)) < 10_000, "the open waited " + opened.group(1)
                            + " ms: the break was not acknowledged through the other worker\nserver:\n"
                            + env.serverStderr());
                    Files.createFile(done);
                    opener.expect("OK open.*", WAIT);
                }
            }
        }
    }

    /** What one process answers to the {@code rename} probe against the {@code names} holder (also asserted). */
    private static final String NAME_CONFLICTS = "doc-deny=STATUS_SHARING_VIOLATION rename-open=STATUS_SHARING_VIOLATION"
            + " rename-over=STATUS_SHARING_VIOLATION rename-dir=STATUS_ACCESS_DENIED doc-shared=OK"
            + " shared-after=STATUS_DELETE_PENDING";

    /**
     * Delete-on-close and renames against the opens of a client of another worker answer as one process answers
     * them (the same scenario is run against a one-process server first): a delete-on-close or DELETE open of a
     * file open without delete sharing, a rename over it, the rename of a directory with a file open below it,
     * and a delete-on-close set by one worker's client on a file the other holds, which becomes delete-pending
     * and goes at the holder's last close, in the other worker. The FileIds the two workers gave out differ and
     * carry each worker's slot and pid.
     */
    @Test
    void deleteOnCloseAndRenameConflictsAcrossWorkersAnswerAsInOneProcess() throws Exception {
        String[] single;
        try (SmbEnv env = SmbEnv.start(base.resolve("net-names-single"), NICS, "")) {
            single = nameConflicts(env, "single", false);
        }
        assertEquals(NAME_CONFLICTS, single[0], "one process");
        assertEquals("open=STATUS_OBJECT_NAME_NOT_FOUND", single[1], "one process: shared.bin went at the last close");
        try (SmbEnv env = SmbEnv.start(base.resolve("net-names"), NICS, "prefork children = 2")) {
            String[] two = nameConflicts(env, "prefork", true);
            assertNotEquals(two[2], two[4], "the two clients in two workers");
            assertEquals(single[0], two[0], "the rename probe answers as in one process\nserver:\n" + env.serverStderr());
            assertEquals(single[1], two[1], "shared.bin, delete-pending by the prober's worker, went at the holder's"
                    + " close in the other worker\nserver:\n" + env.serverStderr());
            long holderId = Long.parseUnsignedLong(two[3], 16);
            long proberId = Long.parseUnsignedLong(two[5], 16);
            assertNotEquals(FileIds.workerOf(holderId), FileIds.workerOf(proberId),
                    "the FileIds of two workers carry two slots: " + two[3] + ", " + two[5]);
            assertEquals(Long.parseLong(two[2]), (holderId >>> 34) & 0x3FFFFF, "the holder's worker pid in " + two[3]);
            assertEquals(Long.parseLong(two[4]), (proberId >>> 34) & 0x3FFFFF, "the prober's worker pid in " + two[5]);
        }
    }

    /**
     * {names-probe result, gone-probe result, holder's worker pid, holder's FileId, prober's worker pid, prober's
     * FileId}; the pids only with {@code workers} (one process holds its sockets itself).
     */
    private static String[] nameConflicts(SmbEnv env, String tag, boolean workers) throws Exception {
        Path release = base.resolve("names-release-" + tag);
        Path done = base.resolve("names-done-" + tag);
        String[] r = new String[6];
        try (ChildProcess a = peer(env, 61, "names:dir:" + release)) {
            r[3] = a.expect("FILEID (\\p{XDigit}+)", WAIT).group(1);
            a.expect("HELD", WAIT);
            r[2] = workers ? Integer.toString(PreforkIT.soleOwner(PreforkIT.serverSockets(env, 61, 1).getFirst())) : "-";
            try (ChildProcess b = peer(env, 62, "rename:dir:" + done)) {
                r[5] = b.expect("FILEID (\\p{XDigit}+)", WAIT).group(1);
                r[0] = b.expect("PROBED (.*)", WAIT).group(1);
                r[4] = workers ? Integer.toString(PreforkIT.soleOwner(PreforkIT.serverSockets(env, 62, 1).getFirst()))
                        : "-";
                Files.createFile(done);
                b.expect("OK rename.*", WAIT);
                b.succeeds();
            }
            Files.createFile(release);
            a.expect("OK names.*", WAIT);
            a.succeeds();
        }
        try (ChildProcess c = peer(env, 63, "gone:dir/shared.bin")) {
            r[1] = c.expect("PROBED (.*)", WAIT).group(1);
            c.succeeds();
        }
        return r;
    }

    /**
     * A lease (RWH) held by a client of one worker, an open of the file by a client of another: the lease break
     * (RWH to RH, acknowledgment required) reaches the holder through its worker, the holder acknowledges it, and
     * the open completes at once rather than after the 35 s break timeout.
     */
    @Test
    void aLeaseBreakReachesTheHolderInAnotherWorkerAndItsAcknowledgmentReleasesTheOpener() throws Exception {
        try (SmbEnv env = SmbEnv.start(base.resolve("net-lease"), NICS, "prefork children = 2")) {
            Path done = base.resolve("lease-done");
            try (ChildProcess holder = peer(env, 53, "lease:leased.bin")) {
                holder.expect("HELD lease=7", WAIT);
                int holderWorker = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 53, 1).getFirst());
                try (ChildProcess opener = peer(env, 54, "open:leased.bin:" + done)) {
                    Matcher opened = opener.expect("OPENED ms=(\\d+)", WAIT);
                    int openerWorker = PreforkIT.soleOwner(PreforkIT.serverSockets(env, 54, 1).getFirst());
                    assertNotEquals(holderWorker, openerWorker, "the two clients in two workers");
                    Matcher broken = holder.expect("OK lease:leased.bin lease=7 break=(\\d+)->(\\d+) ack=(\\S+)", WAIT);
                    assertEquals("7->3", broken.group(1) + "->" + broken.group(2), "RWH broken to RH");
                    assertEquals("OK", broken.group(3), "the acknowledgment, answered by the holder's worker");
                    assertTrue(Long.parseLong(opened.group(1)) < 10_000, "the open waited " + opened.group(1)
                            + " ms: the break was not acknowledged through the other worker\nserver:\n"
                            + env.serverStderr());
                    holder.succeeds();
                    Files.createFile(done);
                    opener.expect("OK open.*", WAIT);
                    opener.succeeds();
                }
            }
        }
    }
}
