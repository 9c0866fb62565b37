package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** [MS-FSA] 2.1.5.1.2.1 sharing checks between opens, delete-pending, and renames moving every handle's name. */
class ShareModesTest {
    private static final int READ = ShareModes.FILE_READ_DATA;
    private static final int WRITE = ShareModes.FILE_WRITE_DATA;
    private static final int SHARE_READ = ShareModes.FILE_SHARE_READ;
    private static final int SHARE_ALL = ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE
            | ShareModes.FILE_SHARE_DELETE;
    private static final FileKey F = new FileKey(1, 10);
    private static final Path P = Path.of("/s/f");

    private final FileStore store = store(new Messenger());
    private final ShareModes m = store.shareModes();
    private long nextId;

    /** The store under test: this process's heap; {@link ShmShareModesTest} runs the same on shared memory. */
    FileStore store(Messenger messenger) {
        return new FileStore(messenger, true);
    }

    private ShareModes.Entry entry(int access, int share) {
        nextId++;
        return new ShareModes.Entry(new OwnerId(0, 0, nextId, nextId), access, share);
    }

    @Test
    void accessMustBeAllowedByEveryOtherOpensShareMode() throws Exception {
        ShareModes.Entry reader = entry(READ, SHARE_READ);
        m.acquire(F, P, reader);
        m.acquire(F, P, entry(READ, SHARE_ALL));
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> m.acquire(F, P, entry(WRITE, SHARE_ALL)));
        assertEquals(NtStatus.SHARING_VIOLATION, e.status());
        assertThrows(Smb2Exception.class, () -> m.acquire(F, P, entry(READ, 0)),
                "a new open that shares nothing conflicts with existing readers");
        m.acquire(F, P, entry(0x80, 0)); // FILE_READ_ATTRIBUTES only: never conflicts
        assertFalse(m.release(reader));
    }

    @Test
    void deletePendingRefusesNewOpensAndTheLastCloseDeletes() throws Exception {
        ShareModes.Entry a = entry(ShareModes.DELETE, SHARE_ALL);
        m.acquire(F, P, a);
        m.setDeletePending(F, true);
        assertEquals(NtStatus.DELETE_PENDING,
                assertThrows(Smb2Exception.class, () -> m.acquire(F, P, entry(READ, SHARE_ALL))).status());
        assertTrue(m.release(a), "last close of a delete-pending file");
        assertEquals(0, store.size(), "the record goes with the last open");
        assertThrows(IllegalStateException.class, () -> m.release(a), "released twice");
    }

    @Test
    void aStreamOpenWithoutShareDeleteBlocksTheFilesDeleteAndTheFileGoesWithItsLastStream() throws Exception {
        FileKey stream = new FileKey(1, 10, "stream one");
        Path sp = Path.of("/s/f:Stream One");
        ShareModes.Entry locked = entry(READ, 0);
        m.acquire(stream, sp, locked);
        ShareModes.Entry data = entry(READ, 0);
        m.acquire(F, P, data); // another stream (the data) does not conflict
        assertEquals(NtStatus.SHARING_VIOLATION,
                assertThrows(Smb2Exception.class, () -> m.acquire(F, P, entry(ShareModes.DELETE, SHARE_ALL))).status(),
                "DELETE on the file while a stream is open without FILE_SHARE_DELETE");
        assertFalse(m.release(locked));
        assertFalse(m.release(data));

        ShareModes.Entry shared = entry(READ, SHARE_ALL);
        m.acquire(stream, sp, shared);
        ShareModes.Entry deleter = entry(ShareModes.DELETE, SHARE_ALL);
        m.acquire(F, P, deleter);
        m.setDeletePending(F, true);
        assertFalse(m.release(deleter), "the file waits for its stream's open");
        assertEquals(NtStatus.DELETE_PENDING,
                assertThrows(Smb2Exception.class, () -> m.acquire(F, P, entry(READ, SHARE_ALL))).status());
        assertEquals(NtStatus.DELETE_PENDING,
                assertThrows(Smb2Exception.class, () -> m.acquire(stream, sp, entry(READ, SHARE_ALL))).status());
        assertTrue(m.release(shared), "the stream's last close deletes");
        assertTrue(shared.deletesFile(), "the file, not only the stream");
        assertEquals(0, store.size(), "no record is left behind");
    }

    @Test
    void theNamesOfTheOpensFollowARenameAndTheKeyStays() throws Exception {
        ShareModes.Entry a = entry(READ, SHARE_ALL);
        ShareModes.Entry child = entry(READ, SHARE_ALL);
        ShareModes.Entry other = entry(READ, SHARE_ALL);
        m.acquire(F, P, a);
        m.acquire(new FileKey(1, 11), P.resolve("c"), child);
        m.acquire(new FileKey(1, 12), Path.of("/s/fx"), other);
        assertTrue(store.hasOpenBelow(P));
        store.renamed(P, Path.of("/s/g"));
        assertEquals(Path.of("/s/g"), a.path());
        assertEquals(F, a.key());
        assertEquals(Path.of("/s/g/c"), child.path());
        assertEquals(Path.of("/s/fx"), other.path(), "a name that only starts with the same characters stays");
        assertFalse(store.hasOpenBelow(P));
        assertFalse(m.release(a));
    }

    @Test
    void twoNamesOfOneFileShareOneRecord() throws Exception {
        m.acquire(F, Path.of("/s/link1"), entry(READ, SHARE_READ));
        Smb2Exception e = assertThrows(Smb2Exception.class,
                () -> m.acquire(F, Path.of("/s/link2"), entry(WRITE, SHARE_ALL)));
        assertEquals(NtStatus.SHARING_VIOLATION, e.status());
        m.acquire(new FileKey(2, 10), Path.of("/s/link2"), entry(WRITE, SHARE_ALL)); // another device, another file
    }
}
