package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bounded mutation fuzzer ({@code io.swrap.selftest.fuzz.MutationFuzzer}) in a child JVM against the
 * server in its own JVM: at least {@value #CASES} mutated requests from real sessions over {@value #WORKERS}
 * connections plus a new connection per NEGOTIATE/SESSION_SETUP case. Afterwards the server must be alive,
 * a fresh client's write/read round trip must match the file on disk, its fds, sockets and threads must be
 * back to what they were after a warm-up run (slack {@value #FD_SLACK} fds, {@value #THREAD_SLACK} threads:
 * the JIT's compiler threads come and go), and its log must hold no OutOfMemoryError, SEVERE or stack trace.
 * {@code -Dsmb.fuzz.seed=N} and {@code -Dsmb.fuzz.cases=N} reproduce or extend a run; a failure names the
 * seed and the case.
 */
class MutationFuzzIT extends SmbServerSuite {
    private static final int CLIENT = 25;
    private static final int CASES = Integer.getInteger("smb.fuzz.cases", 10_000);
    private static final long SEED = Long.getLong("smb.fuzz.seed", 20261201L);
    private static final int WORKERS = 5;
    private static final int BUDGET_SECONDS = 240;
    private static final int FD_SLACK = 4;
    private static final int THREAD_SLACK = 6;

    private static String fuzz(long seed, int cases) throws Exception {
        try (ChildProcess p = ChildProcess.java("fuzzer", ChildProcess.net(env.swrapDir(), CLIENT),
                "io.swrap.selftest.fuzz.MutationFuzzer", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, Long.toString(seed), Integer.toString(cases), Integer.toString(WORKERS),
                Integer.toString(BUDGET_SECONDS))) {
            Matcher m = p.expect("FUZZ (DONE|BROKEN) (.*)", Duration.ofSeconds(BUDGET_SECONDS + 120));
            String summary = p.stdout().stream().filter(l -> l.startsWith("FUZZ SUMMARY")).findFirst().orElse("");
            assertEquals("DONE", m.group(1), "the server broke: " + m.group(2) + "\n(reproduce with -Dsmb.fuzz.seed="
                    + seed + ")\n" + summary + "\nfuzzer stderr:\n" + tail(p.stderr()) + "\nserver:\n"
                    + tail(env.serverStderr()));
            p.succeeds();
            System.out.println(summary + "\nFUZZ DONE " + m.group(2));
            return m.group(2);
        }
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }

    private record Usage(int fds, int sockets, int threads) {
    }

    private static Usage usage() throws IOException {
        Path proc = Path.of("/proc", Long.toString(env.serverPid()));
        int fds = 0;
        int sockets = 0;
        try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
            for (Path fd : s.toList()) {
                fds++;
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        int threads;
        try (Stream<Path> s = Files.list(proc.resolve("task"))) {
            threads = (int) s.count();
        }
        return new Usage(fds, sockets, threads);
    }

    /** The server's descriptors by what they name (a file's path, "socket", "pipe"...), counted, most first. */
    private static String fdTargets() throws IOException {
        java.util.Map<String, Integer> n = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(env.serverPid()), "fd"))) {
            for (Path fd : s.toList()) {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    n.merge(t.startsWith("socket:") ? "socket" : t.startsWith("pipe:") ? "pipe" : t, 1, Integer::sum);
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return n.entrySet().stream().sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(20).map(e -> e.getValue() + " " + e.getKey()).toList().toString();
    }

    /** Waits up to 60 s for the server to release what the fuzzer's connections held. */
    private static Usage settled(Usage baseline) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Usage u = usage();
        while (System.nanoTime() < deadline && (u.sockets() > baseline.sockets() || u.fds() > baseline.fds() + FD_SLACK
                || u.threads() > baseline.threads() + THREAD_SLACK)) {
            Thread.sleep(500);
            u = usage();
        }
        return u;
    }

    @Test
    void tenThousandMutatedRequestsLeaveTheServerWhole() throws Exception {
        // warm-up: the server's event loops, JIT threads and caches come up, then the baseline is taken
        fuzz(SEED ^ 0x5EED, 400);
        Usage before = settled(usage());
        String result = fuzz(SEED, CASES);
        Matcher done = java.util.regex.Pattern.compile("cases=(\\d+) ").matcher(result);
        assertTrue(done.find() && Integer.parseInt(done.group(1)) >= CASES, "ran fewer than " + CASES
                + " cases within " + BUDGET_SECONDS + " s: " + result);

        assertTrue(env.serverAlive(), "server died:\n" + tail(env.serverStderr()));
        Usage after = settled(before);
        assertTrue(after.sockets() <= before.sockets(), "sockets leaked: " + before + " -> " + after);
        assertTrue(after.fds() <= before.fds() + FD_SLACK, "fds leaked: " + before + " -> " + after
                + "; what the server's descriptors name now: " + fdTargets());
        assertTrue(after.threads() <= before.threads() + THREAD_SLACK, "threads leaked: " + before + " -> " + after);
        System.out.println("server usage before " + before + ", after " + after);

        // a fresh client still works: put and get of 1 MiB, signed 3.1.1 and unsigned 2.1
        for (String scenario : List.of("SMB3_11:sign:after-fuzz-311.bin:1", "SMB2_10:off:after-fuzz-210.bin:1")) {
            try (ChildProcess c = ChildProcess.java("smbclient-peer", ChildProcess.net(env.swrapDir(), CLIENT + 1),
                    "io.swrap.selftest.peers.SmbClientPeer", "127.0.0." + NICS[1] + ":" + SmbEnv.PORT, "share",
                    SmbEnv.USER, SmbEnv.PASSWORD, scenario)) {
                Matcher m = c.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", Duration.ofSeconds(60));
                assertEquals("OK", m.group(1), scenario + ": " + m.group(2) + "\n" + c.stderr());
                Matcher h = java.util.regex.Pattern.compile("sha256=(\\S+)").matcher(m.group(2));
                assertTrue(h.find(), m.group(2));
                String file = scenario.split(":")[2];
                assertEquals(h.group(1), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(env.share().resolve(file)))), file + " read back vs on disk");
                c.succeeds();
            }
        }

        String log = env.serverStderr();
        Files.writeString(Path.of("target", "mutation-fuzz-server.log"), log); // kept for a failure's analysis
        assertFalse(log.contains("OutOfMemoryError"), "OutOfMemoryError:\n" + tail(log));
        assertFalse(log.contains("SEVERE") || log.contains("\tat "), "an exception escaped in the server:\n"
                + log.lines().filter(l -> l.contains("SEVERE") || l.startsWith("\tat ") || l.contains("Exception"))
                        .limit(60).reduce("", (a, b) -> a + b + "\n"));
    }
}
