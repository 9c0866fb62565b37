package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** [MS-FSA] 2.1.5.1.2.1 sharing checks between opens, delete-pending, and renames moving every handle. */
class ShareModesTest {
    private static final int READ = ShareModes.FILE_READ_DATA;
    private static final int WRITE = ShareModes.FILE_WRITE_DATA;
    private static final int SHARE_READ = ShareModes.FILE_SHARE_READ;
    private static final int SHARE_ALL = ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE
            | ShareModes.FILE_SHARE_DELETE;
    private static final Path F = Path.of("/s/f");

    @Test
    void accessMustBeAllowedByEveryOtherOpensShareMode() throws Exception {
        ShareModes m = new ShareModes();
        ShareModes.Entry reader = new ShareModes.Entry(READ, SHARE_READ);
        m.acquire(F, reader);
        m.acquire(F, new ShareModes.Entry(READ, SHARE_ALL));
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> m.acquire(F, new ShareModes.Entry(WRITE, SHARE_ALL)));
        assertEquals(NtStatus.SHARING_VIOLATION, e.status());
        assertThrows(Smb2Exception.class, () -> m.acquire(F, new ShareModes.Entry(READ, 0)),
                "a new open that shares nothing conflicts with existing readers");
        m.acquire(F, new ShareModes.Entry(0x80, 0)); // FILE_READ_ATTRIBUTES only: never conflicts
        assertFalse(m.release(F, reader));
    }

    @Test
    void deletePendingRefusesNewOpensAndTheLastCloseDeletes() throws Exception {
        ShareModes m = new ShareModes();
        ShareModes.Entry a = new ShareModes.Entry(ShareModes.DELETE, SHARE_ALL);
        m.acquire(F, a);
        m.setDeletePending(F, true);
        assertEquals(NtStatus.DELETE_PENDING,
                assertThrows(Smb2Exception.class, () -> m.acquire(F, new ShareModes.Entry(READ, SHARE_ALL))).status());
        assertTrue(m.release(F, a), "last close of a delete-pending file");
    }

    @Test
    void renameMovesEveryHandleOfTheFileAndBelow() throws Exception {
        ShareModes m = new ShareModes();
        ShareModes.Entry a = new ShareModes.Entry(READ, SHARE_ALL);
        ShareModes.Entry b = new ShareModes.Entry(READ, SHARE_ALL);
        ShareModes.Entry child = new ShareModes.Entry(READ, SHARE_ALL);
        m.acquire(F, a);
        m.acquire(F, b);
        m.acquire(F.resolve("c"), child);
        m.renamed(F, Path.of("/s/g"));
        assertEquals(Path.of("/s/g"), b.path());
        assertEquals(Path.of("/s/g/c"), child.path());
        assertFalse(m.release(b.path(), b));
        assertFalse(m.release(a.path(), a));
    }
}
