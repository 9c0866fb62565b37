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

    /**
     * What FILE_CASE_SENSITIVE_SEARCH in FileFsAttributeInformation stands on: names that differ only in case
     * coexist, each exact spelling reaches its own file (and its own key in the server's tables), and only a
     * spelling matching no name exactly falls back to a match ignoring case.
     */
    @Test
    void exactSpellingWinsOverNamesDifferingInCase() throws Exception {
        Share s = share();
        Path upper = s.root().resolve("Dir/File.txt");
        Path lower = Files.writeString(s.root().resolve("Dir/file.txt"), "lower");
        assertEquals(upper, s.resolve("Dir\\File.txt").path());
        assertEquals(lower, s.resolve("Dir\\file.txt").path());
        assertEquals(lower, s.resolve("dir\\file.txt").path(), "the directory by case, the file exactly");
        try (Vfs.Handle h = s.vfs().open(s.resolve("Dir\\file.txt").rel())) {
            assertEquals(5, h.stat().size(), "the exact spelling opens its own file, not its case variant");
        }
        Share.Resolved other = s.resolve("Dir\\FILE.TXT");
        assertTrue(other.exists(), "no exact match: one of the case variants");
        assertTrue(other.path().equals(upper) || other.path().equals(lower), other.path().toString());
    }

    @Test
    void namesCannotLeaveTheShare() throws Exception {
        Share s = share();
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, assertThrows(Smb2Exception.class, () -> s.resolve("..\\x")).status());
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD,
                assertThrows(Smb2Exception.class, () -> s.resolve("Dir\\..\\..\\x")).status());
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD,
                assertThrows(Smb2Exception.class, () -> s.resolve("escape\\..\\..\\x")).status());
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD,
                assertThrows(Smb2Exception.class, () -> s.resolve("a/../../b")).status(), "'/' separates as in Samba");
        // the name of a symlink leading outside resolves (it is an entry of the share), opening it does not
        Share.Resolved escape = s.resolve("escape");
        assertEquals(Errno.EXDEV, assertThrows(VfsException.class, () -> s.vfs().open(escape.rel())).errno());
        assertFalse(s.resolve("ESCAPE\\new").parentExists(), "a directory leading outside does not exist for a client");
        assertTrue(s.resolve("inside\\file.txt").exists(), "symlinks that stay inside are followed");
        try (Vfs.Handle h = s.vfs().open(s.resolve("inside\\file.txt").rel())) {
            assertEquals(1, h.stat().size(), "an absolute symlink to a directory of the share is followed");
        }
    }

    @Test
    void pathFormsAsSamba() throws Exception {
        Share s = share();
        Path file = s.root().resolve("Dir/File.txt");
        for (String form : new String[] {"Dir\\\\File.txt", "Dir\\\\\\File.txt", "Dir\\File.txt\\",
            "Dir\\..\\Dir\\File.txt", "Dir\\Sub\\..\\..\\Dir\\File.txt", "Dir/File.txt", "Dir//File.txt/",
            "Dir/..\\Dir\\/File.txt"}) {
            assertEquals(file, s.resolve(form).path(), form);
            assertTrue(s.resolve(form).exists(), form);
        }
        assertEquals(s.root(), s.resolve("Dir\\..").path());
        assertEquals(s.root(), s.resolve("Dir\\..\\").path());
        // ".." goes by name: a symlink before it is not followed back out
        assertEquals(s.root().resolve("Dir"), s.resolve("escape\\..\\Dir").path());
        assertEquals(NtStatus.OBJECT_PATH_NOT_FOUND,
                assertThrows(Smb2Exception.class, () -> s.resolve("Dir\\.\\File.txt")).status());
        assertEquals(NtStatus.OBJECT_PATH_NOT_FOUND,
                assertThrows(Smb2Exception.class, () -> s.resolve(".\\Dir")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID, assertThrows(Smb2Exception.class, () -> s.resolve(".")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID,
                assertThrows(Smb2Exception.class, () -> s.resolve("Dir\\.\\")).status());
        assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, assertThrows(Smb2Exception.class, () -> s.resolve("..")).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID,
                assertThrows(Smb2Exception.class, () -> s.resolve("a".repeat(256))).status());
        assertEquals(NtStatus.OBJECT_NAME_INVALID,
                assertThrows(Smb2Exception.class, () -> s.resolve("\u00e9".repeat(128))).status(), "256 UTF-8 bytes");
        assertFalse(s.resolve("b".repeat(255)).exists());
    }

    @Test
    void relativeSymlinksFollowedOnlyInside() throws Exception {
        Share s = share();
        Path root = s.root();
        Files.createSymbolicLink(root.resolve("Dir/Sub/up"), Path.of("../File.txt"));
        Files.createSymbolicLink(root.resolve("Dir/Sub/out"), Path.of("../../../outside"));
        Files.writeString(tmp.resolve("outside/secret"), "secret");
        try (Vfs.Handle h = s.vfs().open("Dir/Sub/up")) {
            assertEquals(1, h.stat().size());
        }
        assertEquals(Errno.EXDEV, assertThrows(VfsException.class, () -> s.vfs().open("Dir/Sub/out/secret")).errno());
        assertEquals(Errno.EXDEV, assertThrows(VfsException.class, () -> s.vfs().createFile("escape/new")).errno());
        assertFalse(Files.exists(tmp.resolve("outside/new")));
        try (Vfs.Handle dir = s.vfs().open("Dir/Sub")) {
            assertEquals(java.util.Set.of("up", "out"), java.util.Set.copyOf(dir.list()));
            try (Vfs.Handle up = s.vfs().entry(dir, "Dir/Sub", "up")) {
                assertEquals(1, up.stat().size(), "a listed symlink inside shows its target");
            }
            assertEquals(null, s.vfs().entry(dir, "Dir/Sub", "out"), "a symlink leading outside is not listed");
        }
    }
}
