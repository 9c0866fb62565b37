package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.config.EncryptSetting;
import io.swrap.smb.config.ShareConfig;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareTest {
    @TempDir
    Path tmp;

    private Share share() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("Dir/Sub"));
        Files.writeString(root.resolve("Dir/File.txt"), "x");
        Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("Dir"));
        return new Share(new ShareConfig("s", root, false, EncryptSetting.OFF));
    }

    @Test
    void namesAreMatchedIgnoringCase() throws Exception {
        Share s = share();
        Share.Resolved r = s.resolve("dir\\FILE.TXT");
        assertTrue(r.exists());
        assertEquals(s.root().resolve("Dir/File.txt"), r.path());
        Share.Resolved n = s.resolve("\\DIR\\new.txt");
        assertFalse(n.exists());
        assertTrue(n.parentExists());
        assertEquals(s.root().resolve("Dir/new.txt"), n.path());
        assertFalse(s.resolve("nodir\\x").parentExists());
        assertEquals(s.root(), s.resolve("").path());
    }

    @Test
    void namesCannotLeaveTheShare() throws Exception {
        Share s = share();
        assertEquals(NtStatus.OBJECT_NAME_INVALID, assertThrows(Smb2Exception.class, () -> s.resolve("..\\x")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID,
                assertThrows(Smb2Exception.class, () -> s.resolve("Dir\\..\\..\\x")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID, assertThrows(Smb2Exception.class, () -> s.resolve("a/../../b")).status());
        assertEquals(NtStatus.ACCESS_DENIED, assertThrows(Smb2Exception.class, () -> s.resolve("escape")).status());
        assertEquals(NtStatus.ACCESS_DENIED, assertThrows(Smb2Exception.class, () -> s.resolve("ESCAPE\\new")).status());
        assertTrue(s.resolve("inside\\file.txt").exists(), "symlinks that stay inside are followed");
    }
}
