package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Properties;
import java.util.Random;
import jcifs.CIFSContext;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jcifs-ng (a third-party Java SMB2 client from Maven Central): a file written and read back matches by SHA-256.
 * Its share listing ({@code smb://host/}) works on port 445 only: selftest's ShareListingIT runs it in the
 * fake network.
 */
class JcifsNgInteropTest {
    @TempDir
    static Path tmp;
    private static SmbTestServer server;
    private static CIFSContext ctx;

    @BeforeAll
    static void start() throws Exception {
        server = SmbTestServer.start(tmp.resolve("srv"), "");
        Properties p = new Properties();
        p.setProperty("jcifs.smb.client.minVersion", "SMB202");
        p.setProperty("jcifs.smb.client.maxVersion", "SMB311");
        p.setProperty("jcifs.smb.client.responseTimeout", "30000");
        ctx = new BaseContext(new PropertyConfiguration(p))
                .withCredentials(new NtlmPasswordAuthenticator("", SmbTestServer.USER, SmbTestServer.PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        ctx.close();
        server.close();
    }

    @Test
    void roundTripMatchesByHash() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        new Random(7).nextBytes(data);
        try (SmbFile f = new SmbFile("smb://127.0.0.1:" + server.port + "/share/jcifs.bin", ctx)) {
            try (OutputStream out = f.getOutputStream()) {
                out.write(data);
            }
            byte[] back;
            try (InputStream in = f.getInputStream()) {
                back = in.readAllBytes();
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(data), sha.digest(back));
        }
        assertArrayEquals(data, Files.readAllBytes(server.share("share").resolve("jcifs.bin")), "the file on disk");
    }
}
