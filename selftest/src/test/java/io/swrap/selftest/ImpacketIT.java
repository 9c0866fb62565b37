package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * A client the project did not write (issue 12): Python's impacket (Debian's python3-impacket) under C
 * libsocket_wrapper against the server in its own JVM lists the shares (srvsvc over IPC$), puts and gets a
 * file whose hashes match the one on disk, and round-trips a named stream, which lands where Samba's
 * streams_xattr keeps it.
 */
class ImpacketIT extends SmbServerSuite {
    private static final int CLIENT = 36;
    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void listsSharesAndRoundTripsAFileAndAStream() throws Exception {
        try (ChildProcess p = ChildProcess.cPeer("impacket", ChildProcess.net(env.swrapDir(), CLIENT),
                "impacket_client.py", "127.0.0." + NICS[0], SmbEnv.USER, SmbEnv.PASSWORD, "share", "3000000")) {
            assertEquals("share,IPC$", p.expect("SHARES (.*)", STEP).group(1), "srvsvc share listing");
            String dialect = p.expect("DIALECT (.*)", STEP).group(1);
            Matcher put = p.expect("PUT ([0-9a-f]{64})", STEP);
            Matcher got = p.expect("GOT ([0-9a-f]{64})", STEP);
            assertEquals(put.group(1), got.group(1), "what impacket read back (dialect " + dialect + ")");
            assertEquals(put.group(1), env.shareSha256("impacket.bin"), "what the server wrote");
            assertEquals("ok", p.expect("STREAM (.*)", STEP).group(1));
            p.succeeds();
        }
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(env.share().resolve("impacket.bin"),
                UserDefinedFileAttributeView.class);
        ByteBuffer v = ByteBuffer.allocate(64);
        xattrs.read("DosStream.note:$DATA", v);
        assertArrayEquals("kept in a named stream\0".getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(v.array(), v.position()), "Samba's streams_xattr layout, with its NUL");
    }
}
