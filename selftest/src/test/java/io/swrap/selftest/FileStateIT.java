package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.peers.FileStatePeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The server's per-file state is one record per file, keyed by (device, inode): the server in its own JVM, the
 * Java SMB client in another, both under the agent.
 */
class FileStateIT extends SmbServerSuite {
    private static final int CLIENT = 33;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void twoHardLinksOfAFileShareItsShareModesAndLocks() throws Exception {
        Path one = env.share().resolve("link1.bin");
        Files.write(one, new byte[64]);
        Files.createLink(env.share().resolve("link2.bin"), one);
        String scenario = "hard-links:link1.bin:link2.bin:link3.bin";
        List<String> args = List.of("127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD,
                scenario);
        try (ChildProcess p = ChildProcess.java("FileStatePeer", ChildProcess.net(env.swrapDir(), CLIENT),
                FileStatePeer.class.getName(), args.toArray(String[]::new))) {
            Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", PEER_TIMEOUT);
            assertEquals("OK", m.group(1), m.group(2) + "\n" + p.stderr() + "\nserver:\n" + env.serverStderr());
            // as one file of Windows or Samba: an open through one name sees the share mode and locks taken through
            // the other, also after the first name was renamed (the key is the inode, not the name)
            assertEquals("deny-write=STATUS_SHARING_VIOLATION read=OK lock=STATUS_LOCK_NOT_GRANTED"
                    + " write=STATUS_FILE_LOCK_CONFLICT after-rename=STATUS_LOCK_NOT_GRANTED after-unlock=OK", m.group(2),
                    "server:\n" + env.serverStderr());
            p.succeeds();
        }
        assertTrue(Files.exists(env.share().resolve("link3.bin")), "the rename through the first link");
        assertFalse(env.serverStderr().contains("IllegalStateException"), env.serverStderr());
    }
}
