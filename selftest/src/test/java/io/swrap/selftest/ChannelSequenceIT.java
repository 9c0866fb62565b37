package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Open.OutstandingRequestCount ([MS-SMB2] 3.3.5.2.10) against the server in its own JVM, with impacket
 * (Debian's python3-impacket) under C libsocket_wrapper sending hand-built requests: a blocking LOCK left
 * pending under ChannelSequence 0 while a WRITE moves the open to 1 makes a replayed WRITE fail with
 * STATUS_FILE_NOT_AVAILABLE until the LOCK's CANCEL ends it; a LOCK that fails leaves nothing outstanding.
 * smbtorture's smb2.replay.channel-sequence (ReplayIT) checks the sequence comparison itself.
 */
class ChannelSequenceIT extends SmbServerSuite {
    private static final int CLIENT = 37;
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String SUCCESS = "0x00000000";

    @Test
    void aReplayWaitsForTheRequestsOfAnOlderChannelSequence() throws Exception {
        try (ChildProcess p = ChildProcess.cPeer("impacket-csn", ChildProcess.net(env.swrapDir(), CLIENT),
                "channel_sequence_client.py", "127.0.0." + NICS[0], SmbEnv.USER, SmbEnv.PASSWORD, "share")) {
            String dialect = p.expect("DIALECT (.*)", STEP).group(1);
            assertEquals(SUCCESS, step(p, "held"), "the other handle's lock (dialect " + dialect + ")");
            assertEquals(SUCCESS, step(p, "advance"), "a WRITE with a newer ChannelSequence");
            assertEquals("0xc0000467", step(p, "replay-while-outstanding"),
                    "STATUS_FILE_NOT_AVAILABLE: the LOCK of ChannelSequence 0 is still outstanding (dialect " + dialect + ")");
            assertEquals("0xc0000120", step(p, "canceled"), "STATUS_CANCELLED for the waiting LOCK");
            assertEquals(SUCCESS, step(p, "replay-after-cancel"), "the cancel ended the outstanding LOCK");
            assertEquals("0xc0000055", step(p, "lock-error"), "STATUS_LOCK_NOT_GRANTED");
            assertEquals(SUCCESS, step(p, "advance-again"), "a WRITE with ChannelSequence 2");
            assertEquals(SUCCESS, step(p, "replay-after-error"), "the failed LOCK is no longer outstanding");
            p.succeeds();
        }
    }

    private static String step(ChildProcess p, String name) throws Exception {
        return p.expect("STEP " + name + " (0x[0-9a-f]{8})", STEP).group(1);
    }
}
