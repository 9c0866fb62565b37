package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.oplock.OplockRequest;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record codec and its bounds, and the shared-memory backend: records bigger than a slot, two stores on one
 * table seeing each other's entries (as two workers do), and the dead-owner repair.
 */
class ShmRecordsTest {
    private static final FileKey F = new FileKey(0x801, 4711);
    private static final int ALL = ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE
            | ShareModes.FILE_SHARE_DELETE;

    @TempDir
    Path dir;

    /** The pid of a process that has ended: an owner that is gone. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private FileStore store(Messenger m) throws Exception {
        return new FileStore(ShmRecords.open(dir.resolve(ShmRecords.FILE)), m, true);
    }

    @Test
    void everyPartOfARecordSurvivesEncodingAndDecoding() throws Exception {
        FileStore s = new FileStore(new Messenger(), true);
        OwnerId a = new OwnerId(0x1122, 0x3344, 7, 8);
        OwnerId b = new OwnerId(0x5566, 0x7788, 9, 10, 4242);
        s.shareModes().acquire(F, Path.of("/s/f"), new ShareModes.Entry(a, ShareModes.FILE_READ_DATA, ALL));
        s.shareModes().acquire(F, Path.of("/s/f"), new ShareModes.Entry(b, ShareModes.DELETE, ALL));
        s.shareModes().setDeletePending(F, true);
        s.locks().tryLock(F, new ByteRangeLocks.Lock(a, -10, 10, true));
        s.locks().lockOrWait(F, new ByteRangeLocks.Lock(b, -8, 1, true), new Waiter(4242, 3, 99));
        byte[] key = new byte[16];
        key[15] = 1;
        s.oplocks().grant(F, a, new OplockRequest("00112233445566778899aabbccddeeff", OplockLevel.LEASE, key, 7, 2, 5,
                new byte[16], false, false, false, false));
        s.oplocks().grant(F, b, new OplockRequest(null, OplockLevel.BATCH, null, 0, 0, 0, null, false, false, false,
                false));
        byte[] bytes = s.locked(() -> s.get(F).encode());
        FileRecord back = FileRecord.decode(F, ByteBuffer.wrap(bytes));
        assertArrayEquals(bytes, back.encode(), "decode(encode(r)) encodes to the same bytes");
        assertTrue(back.deletePending);
        assertEquals(2, back.opens.size());
        assertEquals(b, back.opens.get(1).owner(), "owner with its process id");
        assertEquals(new ByteRangeLocks.Lock(a, -10, 10, true), back.locks.get(0));
        assertEquals(new Waiter(4242, 3, 99), back.lockWaiters.get(0));
    }

    @Test
    void countsBeyondTheirLimitsAreRefusedWithTheLimitNamed() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        b.putInt(new FileRecord(F).encode().length == 0 ? 0 : ByteBuffer.wrap(new FileRecord(F).encode())
                .order(ByteOrder.nativeOrder()).getInt()); // the format word
        b.put((byte) 0).putInt(FileRecord.MAX_OPENS_PER_FILE + 1).flip();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileRecord.decode(F, b));
        assertEquals("record of file 801:4711: share-mode entries: 4097 (expected: 0..4096)", e.getMessage());
        byte[] ok = new FileRecord(F).encode();
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> FileRecord.decode(F, ByteBuffer.wrap(ok, 0, ok.length - 1)));
        assertTrue(shortOne.getMessage().contains("ends early"), shortOne.getMessage());

        FileStore s = new FileStore(new Messenger(), true); // the limit is the view's, whatever the backend
        for (int i = 0; i < FileRecord.MAX_OPENS_PER_FILE; i++) {
            s.shareModes().acquire(F, null, new ShareModes.Entry(new OwnerId(0, 0, i, i), 0x80, ALL));
        }
        Smb2Exception full = assertThrows(Smb2Exception.class, () -> s.shareModes().acquire(F, Path.of("/s/f"),
                new ShareModes.Entry(new OwnerId(0, 0, -1, -1), 0x80, ALL)));
        assertEquals(NtStatus.INSUFFICIENT_RESOURCES, full.status());
        assertTrue(full.getMessage().endsWith("/s/f is open 4096 times (at most 4096 opens per file)"),
                full.getMessage());
    }

    @Test
    void aRecordBiggerThanASlotIsChainedAndFreedWhole() throws Exception {
        FileStore s = store(new Messenger());
        OwnerId a = new OwnerId(0, 0, 1, 1);
        for (int i = 0; i < 3000; i++) { // 3000 × 57 bytes: 42 slots
            assertTrue(s.locks().tryLock(F, new ByteRangeLocks.Lock(a, i * 10L, 5, true)));
        }
        FileStore other = store(new Messenger());
        assertEquals(3000, other.locks().count(F), "read back through another mapping");
        assertTrue(other.locks().conflicts(F, new OwnerId(0, 0, 2, 2), 29_994, 1, false), "the last lock");
        try (ShmRecords r = ShmRecords.open(dir.resolve(ShmRecords.FILE))) {
            assertTrue(r.slotsInUse() > ShmRecords.DIR_SLOTS + 40, "slots: " + r.slotsInUse());
            s.locks().releaseAll(F, a);
            assertEquals(ShmRecords.DIR_SLOTS, r.slotsInUse(), "only the directory is left");
            assertTrue(r.audit().clean(), r.audit().toString());
        }
        assertEquals(0, other.size());
    }

    @Test
    void twoStoresOnOneTableSeeEachOthersOpensLocksAndDeletePending() throws Exception {
        FileStore one = store(new Messenger());
        FileStore two = store(new Messenger());
        ShareModes.Entry denyWrite = new ShareModes.Entry(new OwnerId(1, 1, 1, 1), ShareModes.FILE_READ_DATA
                | ShareModes.DELETE, ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_DELETE);
        one.shareModes().acquire(F, Path.of("/a/f"), denyWrite);
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> two.shareModes().acquire(F, Path.of("/b/f"),
                new ShareModes.Entry(new OwnerId(2, 2, 2, 2), ShareModes.FILE_WRITE_DATA, ALL)));
        assertEquals(NtStatus.SHARING_VIOLATION, e.status());
        one.shareModes().setDeletePending(F, true);
        assertTrue(two.shareModes().isDeletePending(F));
        assertTrue(one.locks().tryLock(F, new ByteRangeLocks.Lock(denyWrite.owner(), 0, 100, true)));
        assertFalse(two.locks().tryLock(F, new ByteRangeLocks.Lock(new OwnerId(2, 2, 2, 2), 50, 1, false)));
        one.locks().releaseAll(F, denyWrite.owner());
        assertTrue(one.shareModes().release(denyWrite), "the last close of a delete-pending file");
        assertEquals(0, two.size());
    }

    @Test
    void aFilesNamedStreamsHaveTheirOwnRecordsThatAnotherStoreFindsThroughTheFile() throws Exception {
        FileStore one = store(new Messenger());
        FileStore two = store(new Messenger());
        FileKey s1 = new FileKey(F.dev(), F.ino(), "stream1");
        FileKey s2 = new FileKey(F.dev(), F.ino(), "\u00e9t\u00e9"); // not ASCII: UTF-8 in the head
        ShareModes.Entry noDelete = new ShareModes.Entry(new OwnerId(1, 1, 1, 1), ShareModes.FILE_READ_DATA,
                ShareModes.FILE_SHARE_READ | ShareModes.FILE_SHARE_WRITE);
        one.shareModes().acquire(s1, Path.of("/a/f:stream1"), noDelete);
        ShareModes.Entry onS2 = new ShareModes.Entry(new OwnerId(1, 1, 2, 2), ShareModes.FILE_READ_DATA, ALL);
        one.shareModes().acquire(s2, Path.of("/a/f:\u00e9t\u00e9"), onS2);
        // the file's data and each stream are separate: a deny-nothing write of the data is not refused
        ShareModes.Entry data = new ShareModes.Entry(new OwnerId(2, 2, 3, 3), ShareModes.FILE_WRITE_DATA, ALL);
        two.shareModes().acquire(F, Path.of("/b/f"), data);
        // but DELETE of the file conflicts with an open of a stream that does not share delete (found in the table)
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> two.shareModes().acquire(F, Path.of("/b/f"),
                new ShareModes.Entry(new OwnerId(2, 2, 4, 4), ShareModes.DELETE, ALL)));
        assertEquals(NtStatus.SHARING_VIOLATION, e.status());
        assertTrue(e.getMessage().contains("stream"), e.getMessage());
        assertEquals(3, two.size(), "the file's record and two streams' records");
        one.shareModes().release(noDelete);
        two.shareModes().acquire(F, Path.of("/b/f"), new ShareModes.Entry(new OwnerId(2, 2, 5, 5),
                ShareModes.DELETE, ALL));
        try (ShmRecords r = ShmRecords.open(dir.resolve(ShmRecords.FILE))) {
            int held = r.inLock(() -> r.streamsOf(F).size());
            assertEquals(1, held, "one stream still open");
            assertTrue(r.audit().clean(), r.audit().toString());
        }
    }

    @Test
    void theEntriesOfADeadProcessAreDroppedAndTheWaitersOfTheLiveOnesWoken() throws Exception {
        long dead = deadPid();
        Messenger m = new Messenger();
        FileStore s = store(m);
        OwnerId gone = new OwnerId(9, 9, 1, 1, dead);
        OwnerId live = new OwnerId(8, 8, 2, 2);
        s.shareModes().acquire(F, null, new ShareModes.Entry(gone, ShareModes.FILE_WRITE_DATA, 0));
        s.locks().tryLock(F, new ByteRangeLocks.Lock(gone, 0, 10, true));
        s.oplocks().grant(F, gone, new OplockRequest(null, OplockLevel.BATCH, null, 0, 0, 0, null, false, false,
                false, false));
        s.shareModes().setDeletePending(F, true);
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            CountDownLatch woken = new CountDownLatch(1);
            Waiter w = loop.submit(() -> m.park(loop, woken::countDown)).get(10, TimeUnit.SECONDS);
            assertFalse(s.locks().lockOrWait(F, new ByteRangeLocks.Lock(live, 5, 1, true), w));
            s.locks().removeWaiter(F, new Waiter(dead, 0, 1)); // nothing of that name: no change
            assertEquals(3, s.purgeProcess(dead), "share entry, lock, grant; not the live waiter");
            assertTrue(woken.await(10, TimeUnit.SECONDS), "the blocked lock tries again");
            assertTrue(s.locks().tryLock(F, new ByteRangeLocks.Lock(live, 5, 1, true)), "nothing is locked any more");
            s.shareModes().acquire(F, null, new ShareModes.Entry(live, ShareModes.FILE_WRITE_DATA, ALL));
            assertFalse(s.shareModes().isDeletePending(F), "delete-pending went with the last open");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCreatesShareCheckBreaksAndAcquireAreOneStepOverTheSharedRecord() throws Exception {
        FileStore one = store(new Messenger());
        FileStore two = store(new Messenger());
        OwnerId holder = new OwnerId(1, 1, 1, 1);
        one.shareModes().acquire(F, null, new ShareModes.Entry(holder, ShareModes.FILE_READ_DATA,
                ShareModes.FILE_SHARE_READ));
        one.oplocks().grant(F, holder, new OplockRequest(null, OplockLevel.BATCH, null, 0, 0, 0, null, false, false,
                false, false));
        OplockRequest plain = new OplockRequest(null, OplockLevel.NONE, null, 0, 0, 0, null, false, false, false,
                false);

        ShareModes.Entry writer = new ShareModes.Entry(new OwnerId(2, 2, 2, 2), ShareModes.FILE_WRITE_DATA, ALL);
        FileStore.Admission waits = two.admit(F, null, writer, plain, true, true);
        assertEquals(1, waits.breaks().size(), "the batch oplock is broken (to level II: a sharing violation)");
        assertTrue(waits.mustWait(), "until the holder acknowledges");
        assertEquals(1, two.locked(() -> two.get(F).opens.size()), "nothing acquired while waiting");

        FileStore.Admission refused = two.admit(F, null, writer, plain, false, true);
        assertTrue(refused.breaks().isEmpty(), "a break in progress is not repeated");
        assertEquals(NtStatus.SHARING_VIOLATION, assertThrows(Smb2Exception.class, refused::throwIfRefused).status());

        ShareModes.Entry reader = new ShareModes.Entry(new OwnerId(3, 3, 3, 3), ShareModes.FILE_READ_DATA, ALL);
        FileStore.Admission admitted = two.admit(F, null, reader, plain, false, true);
        admitted.throwIfRefused();
        assertEquals(2, one.locked(() -> one.get(F).opens.size()), "acquired in the same step, seen by the other");
    }

    /**
     * kill -9 of a process holding the store's lock in the middle of rewriting a record: the next locker
     * (EOWNERDEAD) drops that record with its continuations, keeps the complete ones, then drops the dead
     * process's entries from them; this process's own record is intact and the table audit clean.
     */
    @Test
    void aProcessKilledHoldingTheLockMidWriteIsRepairedByTheNextLocker() throws Exception {
        Path file = dir.resolve(ShmRecords.FILE);
        FileStore s = store(new Messenger());
        FileKey mine = new FileKey(1, 3);
        OwnerId me = new OwnerId(0, 0, 7, 7);
        s.shareModes().acquire(mine, null, new ShareModes.Entry(me, ShareModes.FILE_WRITE_DATA, 0));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StoreChild.class.getName(), file.toString()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("LOCKED")) {
                // the child's log lines
            }
            assertEquals("LOCKED", line, "the child holds the lock");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        s.size(); // the first lock after the kill: EOWNERDEAD, repair, then the dead process's entries go
        assertEquals(1, s.size(), "only this process's record is left");
        assertEquals(NtStatus.SHARING_VIOLATION, assertThrows(Smb2Exception.class, () -> s.shareModes().acquire(mine,
                null, new ShareModes.Entry(new OwnerId(0, 0, 8, 8), ShareModes.FILE_READ_DATA, ALL))).status(),
                "this process's deny-all open is intact");
        assertFalse(s.locks().conflicts(StoreChild.COMPLETE, me, 0, 10, true), "the dead process's lock is gone");
        assertEquals(0, s.locks().count(StoreChild.HALF_WRITTEN), "the half-written record is gone");
        try (ShmRecords r = ShmRecords.open(file)) {
            assertEquals(ShmRecords.DIR_SLOTS + 1, r.slotsInUse(), "its continuations are free again");
            assertTrue(r.audit().clean(), r.audit().toString());
        }
    }
}
