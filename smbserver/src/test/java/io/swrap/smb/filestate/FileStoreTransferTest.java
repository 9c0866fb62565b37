package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.LeaseState;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.oplock.OplockRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FileStore#transfer}: a durable open handed over to another process takes its share-mode entry, byte-range
 * lock and lease along, the process that takes it over finds them under its own pid ({@link ShareModes#adopt},
 * {@code Oplocks.adopt}) and releases them as a close would; against the heap and the shared-memory backends (on
 * shared memory the two stores stand for two workers on one table).
 */
class FileStoreTransferTest {
    private static final FileKey F = new FileKey(0x801, 4712);
    private static final Path PATH = Path.of("/share/f");
    private static final int ALL = ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE
            | ShareModes.FILE_SHARE_DELETE;
    private static final String GUID = "00112233445566778899aabbccddeeff";
    /** The pid of the worker that held the open before: not this process, so the hand-over changes the owner. */
    private static final long HOLDER = 4242;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "shm"})
    void aHandedOverOpenKeepsItsShareModeLockAndLeaseUnderTheNewOwner(String backend) throws Exception {
        boolean shm = backend.equals("shm");
        FileStore holder = shm ? new FileStore(ShmRecords.open(dir.resolve(ShmRecords.FILE)), new Messenger(), true)
                : new FileStore(new Messenger(), true);
        OwnerId before = new OwnerId(0x0011223344556677L, 0x8899aabbccddeeffL, 5, 5, HOLDER);
        ShareModes.Entry e = new ShareModes.Entry(before, ShareModes.FILE_READ_DATA | ShareModes.FILE_WRITE_DATA,
                ShareModes.FILE_SHARE_READ);
        holder.shareModes().acquire(F, PATH, e);
        assertTrue(holder.locks().tryLock(F, new ByteRangeLocks.Lock(before, 0, 10, true)));
        byte[] leaseKey = new byte[16];
        leaseKey[0] = 7;
        int rwh = LeaseState.READ | LeaseState.WRITE | LeaseState.HANDLE;
        holder.oplocks().grant(F, before, new OplockRequest(GUID, OplockLevel.LEASE, leaseKey, rwh, 2, 0, null, false,
                false, false, false));

        OwnerId after = holder.transfer(e, OwnerId.SELF_PID);

        assertEquals(new OwnerId(before.clientGuidHi(), before.clientGuidLo(), 5, 5), after,
                "the same ClientGuid and FileId, this process's pid");
        // on shared memory, another store of the same table, as the worker that takes the open over
        FileStore taker = shm ? new FileStore(ShmRecords.open(dir.resolve(ShmRecords.FILE)), new Messenger(), true)
                : holder;
        assertEquals(after, taker.locked(() -> taker.get(F).opens.get(0).owner()), "the share-mode entry's owner");
        assertEquals(new ByteRangeLocks.Lock(after, 0, 10, true), taker.locked(() -> taker.get(F).locks.get(0)));
        OwnerId third = new OwnerId(1, 2, 9, 9);
        assertFalse(taker.locks().tryLock(F, new ByteRangeLocks.Lock(third, 5, 1, false)),
                "a third open's lock still conflicts with the handed-over lock");
        assertThrows(io.swrap.smb.smb2.codec.Smb2Exception.class, () -> taker.shareModes().acquire(F, PATH,
                new ShareModes.Entry(third, ShareModes.FILE_WRITE_DATA, ALL)),
                "the handed-over share mode (read only) still refuses a writer");
        Granted held = taker.oplocks().adopt(F, after);
        assertNotNull(held, "the lease grant moved with the open");
        assertEquals(rwh, held.leaseState(), "the lease state is kept");
        assertThrows(IllegalStateException.class, () -> holder.transfer(e, OwnerId.SELF_PID),
                "a second hand-over of the same open");

        ShareModes.Entry adopted = taker.shareModes().adopt(F, PATH, after);
        assertEquals(PATH, adopted.path());
        taker.locks().releaseAll(F, after);
        taker.oplocks().release(after);
        taker.shareModes().release(adopted);
        assertEquals(0, taker.size(), "released as a close would: nothing is left of the file");
        taker.close();
        if (shm) {
            holder.close();
        }
    }
}
