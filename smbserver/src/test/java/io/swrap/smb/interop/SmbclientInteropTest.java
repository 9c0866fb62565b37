package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Debian's smbclient (Samba 4.17) against the server with default settings, per dialect and protection. */
class SmbclientInteropTest {
    /** Multi-MiB and not a multiple of any I/O size, so that reads and writes need several credits. */
    private static final int FILE_SIZE = 4 * 1024 * 1024 + 12345;

    @TempDir
    static Path tmp;
    private static SmbTestServer server;
    private static Path local;
    private static byte[] digest;

    @BeforeAll
    static void start() throws Exception {
        server = SmbTestServer.start(tmp.resolve("srv"), "");
        local = Files.createDirectories(tmp.resolve("local"));
        byte[] data = new byte[FILE_SIZE];
        new Random(42).nextBytes(data);
        Files.write(local.resolve("big.bin"), data);
        digest = MessageDigest.getInstance("SHA-256").digest(data);
        Files.writeString(server.share("share").resolve("Hello.txt"), "hello\n");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SMB2_02, off", "SMB2_02, sign", "SMB2_10, off", "SMB2_10, sign", "SMB3_00, off", "SMB3_00, sign",
        "SMB3_00, encrypt", "SMB3_02, encrypt", "SMB3_11, off", "SMB3_11, sign", "SMB3_11, encrypt"})
    void fileOperations(String dialect, String protection) throws Exception {
        Path cwd = Files.createDirectories(local.resolve(dialect + "-" + protection));
        Files.copy(local.resolve("big.bin"), cwd.resolve("big.bin"));
        String dir = "d-" + dialect + "-" + protection;
        SmbClient.Result r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd,
                "ls; put big.bin b; get b c; mkdir " + dir + "; rename b " + dir + "\\e; allinfo " + dir + "\\e; "
                        + "get HELLO.TXT h; del " + dir + "\\e; rmdir " + dir + "; ls",
                "-m", dialect, "--client-protection=" + protection);
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        assertTrue(r.output().contains("stream: [::$DATA], " + FILE_SIZE + " bytes"), r.output());
        assertArrayEquals(digest, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(cwd.resolve("c"))),
                "SHA-256 of the file read back");
        assertEquals("hello\n", Files.readString(cwd.resolve("h")), "case-insensitive name lookup");
        assertFalse(Files.exists(server.share("share").resolve(dir)), "rmdir removed the directory");
        assertFalse(Files.exists(server.share("share").resolve("b")), "rename moved the file");
    }

    @Test
    void smb1MultiProtocolNegotiateUpgradesToSmb2() throws Exception {
        // With NT1 allowed, smbclient opens with an SMB1 NEGOTIATE offering "SMB 2.???".
        SmbClient.Result r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, local, "ls",
                "--option=client min protocol=NT1", "-m", "SMB3");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Hello.txt"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SMB2_02", "SMB2_10"})
    void encryptionCannotBeForcedOnSmb2(String dialect) throws Exception {
        // SMB2 has no TRANSFORM_HEADER: smbclient must give up rather than fall back to plain text.
        Path cwd = Files.createDirectories(local.resolve("noenc-" + dialect));
        Files.writeString(cwd.resolve("p.txt"), "plain");
        SmbClient.Result r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd, "put p.txt noenc-" + dialect,
                "-m", dialect, "--client-protection=encrypt");
        assertNotEquals(0, r.exit(), r.output());
        assertFalse(Files.exists(server.share("share").resolve("noenc-" + dialect)));
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        SmbClient.Result r = SmbClient.run(server.port, "share", "wrong", local, "ls", "-m", "SMB3");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("NT_STATUS_LOGON_FAILURE"), r.output());
        // Guest and anonymous logons are off: an empty user name and password is refused too.
        r = SmbClient.runBounded(java.util.List.of(SmbClient.SMBCLIENT.toString(), "--configfile=/dev/null",
                "//127.0.0.1/share", "-p", Integer.toString(server.port), "-N", "-U", "%", "--use-kerberos=off",
                "-m", "SMB3", "-c", "ls"), local, 60);
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("NT_STATUS_LOGON_FAILURE") || r.output().contains("NT_STATUS_ACCESS_DENIED"),
                r.output());
    }

    @Test
    void encryptRequiredShareRefusesClientsThatCannotEncrypt() throws Exception {
        SmbClient.Result r = SmbClient.run(server.port, "secret", SmbTestServer.PASSWORD, local, "ls", "-m", "SMB2_10");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());
        for (String m : new String[] {"SMB3_00", "SMB3_11"}) {
            Path cwd = Files.createDirectories(local.resolve("secret-" + m));
            Files.writeString(cwd.resolve("s.txt"), "secret " + m);
            r = SmbClient.run(server.port, "secret", SmbTestServer.PASSWORD, cwd, "put s.txt " + m + "; get " + m + " t",
                    "-m", m);
            assertEquals(0, r.exit(), r.output());
            assertEquals("secret " + m, Files.readString(cwd.resolve("t")));
        }
    }

    @Test
    void readOnlyShareRefusesWrites() throws Exception {
        Files.writeString(local.resolve("w.txt"), "w");
        SmbClient.Result r = SmbClient.run(server.port, "ro", SmbTestServer.PASSWORD, local, "put w.txt w; ls", "-m", "SMB3");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());
        assertFalse(Files.exists(server.share("ro").resolve("w")));
    }

    @Test
    void namesCannotEscapeTheShare() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(server.share("share").resolve("out"), outside);
        Path cwd = Files.createDirectories(local.resolve("escape"));
        SmbClient.Result r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd,
                "get out\\secret.txt x", "-m", "SMB3");
        // as Samba with wide links = no: a symlink leading outside does not exist for a client
        assertTrue(r.output().contains("NT_STATUS_OBJECT_PATH_NOT_FOUND"), r.output());
        r = SmbClient.run(server.port, "share", SmbTestServer.PASSWORD, cwd, "get ..\\outside\\secret.txt y", "-m", "SMB3");
        assertTrue(r.output().contains("NT_STATUS_"), r.output());
        assertFalse(Files.exists(cwd.resolve("x")) && Files.size(cwd.resolve("x")) > 0);
        assertFalse(Files.exists(cwd.resolve("y")) && Files.size(cwd.resolve("y")) > 0);
        Files.delete(server.share("share").resolve("out"));
    }
}
