package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.KnownFail;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * smbtorture's smb2.replay tests of a durable-v2 CREATE replayed while the original waits for an oplock or
 * lease break ({@code dhv2-pending*-sane}: [MS-SMB2]'s behaviour; the {@code -windows} variants expect
 * Windows' and are not ours), against the server under the agent on four fake NICs. Each waits for break
 * timeouts, so they run in two networks at once; the quick ones (no break timeout) run in one more test.
 * The suite is not run whole: its other tests (the {@code -windows} variants, replay5) wait for timeouts too.
 */
class ReplayIT extends SmbServerSuite {
    private static final int CLIENT = 22;

    /** The smb2.replay tests that wait for no break timeout (seconds in all). */
    static final List<String> QUICK = List.of("smb2.replay.replay-commands", "smb2.replay.replay-regular",
            "smb2.replay.replay-dhv2-oplock1", "smb2.replay.replay-dhv2-oplock2", "smb2.replay.replay-dhv2-oplock3",
            "smb2.replay.replay-dhv2-oplock-lease", "smb2.replay.replay-dhv2-lease1", "smb2.replay.replay-dhv2-lease2",
            "smb2.replay.replay-dhv2-lease3", "smb2.replay.replay-dhv2-lease-oplock", "smb2.replay.channel-sequence",
            "smb2.replay.replay3", "smb2.replay.replay4", "smb2.replay.replay6", "smb2.replay.replay7");

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

    @Test
    void quickReplayTestsPass() throws Exception {
        passes(env, Files.createDirectories(base.resolve("torture-replay-quick")), QUICK);
    }

    private static void passes(SmbEnv on, Path cwd, List<String> tests) throws Exception {
        Smbtorture.Result r = on.smbtorture(CLIENT, 11, cwd, 600, List.of(), tests);
        List<KnownFail.Verdict> verdicts = KnownFail.load().judge(r.results());
        assertTrue(verdicts.stream().allMatch(KnownFail.Verdict::ok), verdicts + "\n" + r.output() + "\nserver:\n"
                + on.serverStderr());
    }
}
