package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.KnownFail;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Samba's conformance suites, whole, against the server under the agent on four fake NICs (smbtorture
 * under C libsocket_wrapper), judged by the one knownfail list (selftest/src/main/resources/knownfail.txt):
 * a failure not listed fails the suite, and so does a listed test that passes. Each suite runs in its own
 * smbtorture process; a line per suite gives its counts. smb2.multichannel runs in MultichannelIT (two
 * break policies, and smbtorture crashes when leases.test4 follows test3 in one process), smb2.replay's
 * tests in ReplayIT (most wait for break timeouts); the suites left out are listed in selftest/README.md.
 * PreforkTortureIT runs the same suites through {@link #suitePasses} against a multi-process server.
 */
class SmbtortureIT extends SmbServerSuite {
    private static final int CLIENT = 23;
    private static final long TIMEOUT_SECONDS = 600;

    static final List<String> SUITES = List.of("smb2.connect", "smb2.tcon", "smb2.create", "smb2.read", "smb2.dir",
            "smb2.compound", "smb2.lock", "smb2.rename", "smb2.getinfo", "smb2.sharemode", "smb2.ioctl",
            "smb2.session", "smb2.durable-open", "smb2.durable-v2-open", "smb2.notify",
            "smb2.timestamps", "smb2.acls", "smb2.delete-on-close-perms", "smb2.oplock", "smb2.lease",
            "smb2.streams", "smb2.dosmode");

    /**
     * The suites a run takes: all of {@code all}, or those named in the system property {@code smbtorture.suites}
     * (comma-separated) to rerun a few by hand; a name not in {@code all} fails rather than running nothing.
     */
    static List<String> selected(List<String> all) {
        String only = System.getProperty("smbtorture.suites", "").strip();
        if (only.isEmpty()) {
            return all;
        }
        List<String> names = List.of(only.split("\\s*,\\s*"));
        for (String n : names) {
            if (!all.contains(n)) {
                throw new IllegalArgumentException("-Dsmbtorture.suites names " + n + ", not one of " + all);
            }
        }
        return all.stream().filter(names::contains).toList();
    }

    static List<String> suites() {
        return selected(SUITES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void suitePassesButForItsKnownFailures(String suite) throws Exception {
        suitePasses(env, base, "smbtorture", suite);
    }

    /**
     * Runs one suite whole with smbtorture from interface 23 against {@code server}'s NIC 11, prints one line of
     * counts headed by {@code label}, and fails naming every test whose verdict (KnownFail.judge) is not ok, with
     * smbtorture's output and the server's stderr.
     */
    static void suitePasses(SmbEnv server, Path base, String label, String suite) throws Exception {
        Path cwd = Files.createDirectories(base.resolve("torture-" + suite));
        Smbtorture.Result r = server.smbtorture(CLIENT, 11, cwd, TIMEOUT_SECONDS, List.of(), List.of(suite));
        List<KnownFail.Verdict> verdicts = KnownFail.load().judge(r.results());
        Map<String, Integer> counts = new TreeMap<>();
        for (KnownFail.Verdict v : verdicts) {
            String kind = v.result().startsWith("knownfail") ? "knownfail"
                    : v.result().startsWith("flapping") ? "flapping " + v.outcome() : v.ok() ? v.outcome() : "FAILED";
            counts.merge(kind, 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%s %s: %d tests %s in %.1f s%n", label, suite, verdicts.size(), counts,
                r.nanos() / 1e9);
        List<KnownFail.Verdict> failed = verdicts.stream().filter(v -> !v.ok()).toList();
        assertTrue(failed.isEmpty(), suite + ": " + failed + "\n" + r.output() + "\nserver:\n" + server.serverStderr());
    }
}
