package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.peers.WriteTimePeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The write time of a file written through the server, as another process sees it on disk: the server in its own
 * JVM, the Java SMB client in another, both under the agent (as Windows and Samba: a WRITE leaves it, 2 s after the
 * handle's first write it becomes the time then, later writes move it once more at close).
 */
class WriteTimeIT extends SmbServerSuite {
    private static final int CLIENT = 35;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void writesMoveTheWriteTimeLaterAndAtClose() throws Exception {
        Path file = env.share().resolve("written.bin");
        Files.write(file, new byte[16]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        String scenario = "delayed-write:written.bin:" + file;
        List<String> args = List.of("127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER, SmbEnv.PASSWORD,
                scenario);
        try (ChildProcess p = ChildProcess.java("WriteTimePeer", ChildProcess.net(env.swrapDir(), CLIENT),
                WriteTimePeer.class.getName(), args.toArray(String[]::new))) {
            Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", PEER_TIMEOUT);
            assertEquals("OK", m.group(1), m.group(2) + "\n" + p.stderr() + "\nserver:\n" + env.serverStderr());
            // before: every WRITE set the mtime at once (first-write=now, second-write=now)
            assertEquals("first-write=kept delayed=now second-write=kept close=now", m.group(2),
                    "server:\n" + env.serverStderr());
            p.succeeds();
        }
    }
}
