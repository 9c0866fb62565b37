package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * smbtorture's smb2.replay tests of a durable-v2 CREATE replayed while the original waits for an oplock or
 * lease break ({@code dhv2-pending*-sane}: [MS-SMB2]'s behaviour; the {@code -windows} variants expect
 * Windows' and are not ours), against the server under the agent on four fake NICs. Each waits for break
 * timeouts, so they run in two networks at once; the quicker smb2.replay tests run in smbserver's own
 * SmbtortureInteropTest.
 */
class ReplayIT extends SmbServerSuite {
    private static final int CLIENT = 22;

    static List<String> pendingSaneTests() {
        List<String> tests = new ArrayList<>(List.of("smb2.replay.dhv2-pending1n-vs-violation-lease-close-sane",
                "smb2.replay.dhv2-pending1n-vs-violation-lease-ack-sane"));
        for (String n : List.of("1n", "1l", "1o", "2n", "2l", "2o", "3n", "3l", "3o")) {
            for (String holder : List.of("oplock", "lease")) {
                tests.add("smb2.replay.dhv2-pending" + n + "-vs-" + holder + "-sane");
            }
        }
        return tests;
    }

    @Test
    void replaysOfAPendingDurableCreateAreAnsweredAsTheSpecificationSays() throws Exception {
        List<String> all = pendingSaneTests();
        List<String> first = all.subList(0, all.size() / 2);
        List<String> second = all.subList(all.size() / 2, all.size());
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try (SmbEnv env2 = SmbEnv.start(base.resolve("net-replay2"), NICS, "")) {
                passes(env2, Files.createDirectories(base.resolve("torture-replay2")), second);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        passes(env, Files.createDirectories(base.resolve("torture-replay1")), first);
        other.join();
    }

    private static void passes(SmbEnv on, Path cwd, List<String> tests) throws Exception {
        Smbtorture.Result r = on.smbtorture(CLIENT, 11, cwd, 600, List.of(), tests);
        Map<String, String> results = r.results();
        for (String t : tests) {
            String name = t.substring(t.lastIndexOf('.') + 1);
            assertEquals("success", results.get(name), t + ":\n" + r.output() + "\nserver:\n" + on.serverStderr());
        }
        assertEquals(0, r.exit(), r.output());
    }
}
