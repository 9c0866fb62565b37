package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.Smbtorture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client holding a durable open with a batch oplock or an RWH lease drops its connection, and another client
 * opens the file at once (smbtorture's smb2.durable-open.oplock, lease, open2-oplock, open2-lease): whether the
 * server sees the disconnect or the open first, the open must succeed at once and the durable open be gone
 * ([MS-SMB2] 3.3.4.6/3.3.4.7: a break whose holder has no channel left cannot be acknowledged), not wait for the
 * 35 s break timeout and fail with a sharing violation. A race, so it runs several rounds against one server.
 */
class DurableBreakIT extends SmbServerSuite {
    private static final int CLIENT = 23;
    private static final int ROUNDS = 10;
    private static final long ROUND_TIMEOUT_SECONDS = 150;
    private static final List<String> TESTS = List.of("smb2.durable-open.oplock", "smb2.durable-open.lease",
            "smb2.durable-open.open2-oplock", "smb2.durable-open.open2-lease");

    @Test
    void aDisconnectedHoldersBreakResolvesAtOnce() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            Path cwd = Files.createDirectories(base.resolve("torture-durable-break-" + round));
            Smbtorture.Result r = env.smbtorture(CLIENT, NICS[0], cwd, ROUND_TIMEOUT_SECONDS, List.of(), TESTS);
            Map<String, String> results = r.results();
            for (String t : TESTS) {
                assertEquals("success", results.get(t), "round " + round + " of " + ROUNDS + ", " + t + ":\n"
                        + r.output() + "\nserver:\n" + env.serverStderr());
            }
        }
    }
}
