package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.vfs.posix.PosixVfs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errno the kernel really returns for each failure, and the NTSTATUS a client gets for it. */
class ErrnoTest {
    @TempDir
    Path tmp;

    private static int statusOf(VfsException e) {
        return Vfs.toSmb(e, "test").status();
    }

    @Test
    void realFailuresMapThroughTheTable() throws Exception {
        Files.createDirectories(tmp.resolve("d/sub"));
        Files.writeString(tmp.resolve("f"), "x");
        try (PosixVfs vfs = new PosixVfs(tmp)) {
            VfsException e = assertThrows(VfsException.class, () -> vfs.open("missing"));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals(NtStatus.OBJECT_NAME_NOT_FOUND, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.createFile("f"));
            assertEquals(NtStatus.OBJECT_NAME_COLLISION, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.remove("d", true));
            assertEquals(NtStatus.DIRECTORY_NOT_EMPTY, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.createFile("f/x"));
            assertEquals(NtStatus.NOT_A_DIRECTORY, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.createFile("x".repeat(300)));
            assertEquals(Errno.ENAMETOOLONG, e.errno());
            assertEquals(NtStatus.OBJECT_NAME_INVALID, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.rename("f", "d", false));
            assertEquals(NtStatus.OBJECT_NAME_COLLISION, statusOf(e));
            e = assertThrows(VfsException.class, () -> vfs.remove("", true));
            assertEquals(Errno.EBUSY, e.errno(), "the root is never removed");
        }
        assertEquals(NtStatus.DISK_FULL, Errno.toStatus(Errno.ENOSPC));
        assertEquals(NtStatus.DISK_FULL, Errno.toStatus(Errno.EDQUOT));
        assertEquals(NtStatus.OBJECT_PATH_NOT_FOUND, Errno.toStatus(Errno.EXDEV), "a symlink leading outside");
        assertEquals(NtStatus.UNEXPECTED_IO_ERROR, Errno.toStatus(121), "an errno outside the table (EREMOTEIO)");
    }
}
