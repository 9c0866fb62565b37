package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smbclient against {@code server signing = mandatory} and global {@code smb encrypt = required}. */
class MandatoryProtectionInteropTest {
    @Test
    void mandatorySigningIsFollowedByClientsThatDidNotAsk(@TempDir Path tmp) throws Exception {
        try (SmbTestServer s = SmbTestServer.start(tmp.resolve("srv"), "server signing = mandatory")) {
            Path cwd = Files.createDirectories(tmp.resolve("local"));
            Files.writeString(cwd.resolve("a"), "signed");
            for (String m : new String[] {"SMB2_02", "SMB3_00", "SMB3_11"}) {
                SmbClient.Result r = SmbClient.run(s.port, "share", SmbTestServer.PASSWORD, cwd,
                        "put a " + m + "; get " + m + " b-" + m, "-m", m, "--client-protection=off");
                assertEquals(0, r.exit(), r.output());
                assertEquals("signed", Files.readString(cwd.resolve("b-" + m)));
            }
        }
    }

    @Test
    void globalEncryptionRequiredRefusesSmb2AndEncryptsSmb3(@TempDir Path tmp) throws Exception {
        try (SmbTestServer s = SmbTestServer.start(tmp.resolve("srv"), "smb encrypt = required")) {
            Path cwd = Files.createDirectories(tmp.resolve("local"));
            SmbClient.Result r = SmbClient.run(s.port, "share", SmbTestServer.PASSWORD, cwd, "ls", "-m", "SMB2_10");
            assertNotEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());
            Files.writeString(cwd.resolve("a"), "sealed");
            r = SmbClient.run(s.port, "share", SmbTestServer.PASSWORD, cwd, "put a x; get x y", "-m", "SMB3_11");
            assertEquals(0, r.exit(), r.output());
            assertEquals("sealed", Files.readString(cwd.resolve("y")));
        }
    }
}
