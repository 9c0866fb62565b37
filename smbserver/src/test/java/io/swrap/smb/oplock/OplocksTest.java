package io.swrap.smb.oplock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.netty.channel.DefaultEventLoop;
import io.swrap.smb.filestate.FileKey;
import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.Waiter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The oplock table's decisions: grants, the breaks an open or a write causes, acknowledgments, waiters. */
class OplocksTest {
    private static final FileKey FILE = new FileKey(1, 1);
    private static final byte[] KEY1 = key(1);
    private static final byte[] KEY2 = key(2);

    private final Messenger messenger = new Messenger();
    private final Oplocks table = store(messenger).oplocks();
    private long nextId;

    /** The store under test: this process's heap; {@link ShmOplocksTest} runs the same on shared memory. */
    FileStore store(Messenger m) {
        return new FileStore(m, true);
    }

    private OwnerId owner() {
        nextId++;
        return new OwnerId(0, 0, nextId, nextId);
    }

    /** A waiter whose wake-up, run on its own loop, counts down {@code woken}. */
    private Waiter waiter(DefaultEventLoop loop, CountDownLatch woken) throws Exception {
        return loop.submit(() -> messenger.park(loop, woken::countDown)).get(10, TimeUnit.SECONDS);
    }

    private static byte[] key(int b) {
        byte[] k = new byte[16];
        k[0] = (byte) b;
        return k;
    }

    private static OplockRequest oplock(int level) {
        return new OplockRequest("client-a", level, null, 0, 0, 0, null, false, false, false, false);
    }

    private static OplockRequest lease(String client, byte[] key, int state, int version, int epoch) {
        return new OplockRequest(client, OplockLevel.LEASE, key, state, version, epoch, null, false, false, false,
                false);
    }

    @Test
    void batchIsBrokenToLevelTwoAndTheSecondOpenWaitsForTheAcknowledgment() throws Exception {
        OwnerId first = owner();
        OwnerId second = owner();
        assertEquals(OplockLevel.BATCH, table.grant(FILE, first, oplock(OplockLevel.BATCH)).level());

        List<BreakNotice> breaks = table.prepare(FILE, oplock(OplockLevel.BATCH));
        assertEquals(List.of(new BreakNotice.Oplock(first, OplockLevel.II, true)), breaks);
        assertTrue(table.breaking(FILE, oplock(OplockLevel.BATCH)));
        DefaultEventLoop loop = new DefaultEventLoop();
        CountDownLatch woken = new CountDownLatch(1);
        try {
            assertNotNull(table.await(FILE, oplock(OplockLevel.BATCH), waiter(loop, woken)));
            assertEquals(List.of(), table.prepare(FILE, oplock(OplockLevel.BATCH)), "a break in progress is not repeated");

            assertEquals(OplockLevel.II, table.acknowledgeOplock(first, OplockLevel.II));
            assertTrue(woken.await(10, TimeUnit.SECONDS), "the waiting CREATE is woken on its loop");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        assertFalse(table.breaking(FILE, oplock(OplockLevel.BATCH)));
        assertEquals(OplockLevel.II, table.grant(FILE, second, oplock(OplockLevel.BATCH)).level());
    }

    @Test
    void anAcknowledgmentWithoutABreakOrAboveItIsAProtocolError() throws Exception {
        OwnerId first = owner();
        table.grant(FILE, first, oplock(OplockLevel.BATCH));
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> table.acknowledgeOplock(first, OplockLevel.II));
        assertEquals(NtStatus.INVALID_OPLOCK_PROTOCOL, e.status());
        table.prepare(FILE, new OplockRequest("client-b", OplockLevel.NONE, null, 0, 0, 0, null, false, false, true,
                false));
        e = assertThrows(Smb2Exception.class, () -> table.acknowledgeOplock(first, OplockLevel.II));
        assertEquals(NtStatus.INVALID_OPLOCK_PROTOCOL, e.status(), "an overwrite breaks to none: II is too much");
        assertEquals(OplockLevel.NONE, table.acknowledgeOplock(first, OplockLevel.NONE));
    }

    @Test
    void aStatOpenBreaksNothingButMayHoldALeaseAndAPendingBreakShowsUntilAcknowledged() throws Exception {
        OwnerId holder = owner();
        table.grant(FILE, holder, oplock(OplockLevel.BATCH));
        OplockRequest stat = new OplockRequest("client-b", OplockLevel.NONE, null, 0, 0, 0, null, true, true, false,
                false);
        assertEquals(List.of(), table.prepare(FILE, stat));
        assertFalse(table.breakPending(holder));
        table.prepare(FILE, oplock(OplockLevel.II));
        assertTrue(table.breakPending(holder), "the batch break awaits its acknowledgment");
        table.acknowledgeOplock(holder, OplockLevel.II);
        assertFalse(table.breakPending(holder));
        OplockRequest statLease = new OplockRequest("client-c", OplockLevel.LEASE, KEY1, 7, 1, 0, null, true, true,
                false, false);
        assertTrue(table.grant(FILE, owner(), statLease).isLease(), "a stat open may hold a lease");
    }

    @Test
    void closingTheHolderEndsTheWaitAndFreesTheFile() throws Exception {
        OwnerId first = owner();
        table.grant(FILE, first, oplock(OplockLevel.EXCLUSIVE));
        table.prepare(FILE, oplock(OplockLevel.II));
        DefaultEventLoop loop = new DefaultEventLoop();
        CountDownLatch woken = new CountDownLatch(1);
        try {
            table.await(FILE, oplock(OplockLevel.II), waiter(loop, woken));
            table.release(first);
            assertTrue(woken.await(10, TimeUnit.SECONDS), "the waiting CREATE is woken on its loop");
            assertNull(table.await(FILE, oplock(OplockLevel.II), waiter(loop, woken)), "nothing left to wait for");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        assertEquals(OplockLevel.BATCH, table.grant(FILE, owner(), oplock(OplockLevel.BATCH)).level());
    }

    @Test
    void aWriteBreaksEveryLevelTwoOplockToNoneWithoutAcknowledgmentTheWritersToo() {
        OwnerId a = owner();
        OwnerId b = owner();
        table.grant(FILE, a, oplock(OplockLevel.II));
        table.grant(FILE, b, oplock(OplockLevel.II));
        // smb2.oplock.levelii500: the writer's own level II goes too
        assertEquals(List.of(new BreakNotice.Oplock(a, OplockLevel.NONE, false),
                new BreakNotice.Oplock(b, OplockLevel.NONE, false)), table.written(FILE, a));
        assertEquals(List.of(), table.written(FILE, a), "neither holds anything any more");
        assertFalse(table.breaking(FILE, oplock(OplockLevel.II)));
    }

    @Test
    void anotherLeaseKeyBreaksWriteCachingAndBothShareReadAndHandle() throws Exception {
        Granted g1 = table.grant(FILE, owner(), lease("client-b", KEY2, 7, 1, 0));
        assertEquals(7, g1.leaseState());
        assertEquals(0, g1.leaseEpoch(), "v1 leases have no epoch");

        List<BreakNotice> breaks = table.prepare(FILE, lease("client-a", KEY1, 7, 1, 0));
        assertEquals(1, breaks.size());
        BreakNotice.LeaseBreak lb = (BreakNotice.LeaseBreak) breaks.get(0);
        assertEquals("client-b", lb.clientGuid());
        assertEquals(LeaseState.READ | LeaseState.HANDLE | LeaseState.WRITE, lb.from());
        assertEquals(LeaseState.READ | LeaseState.HANDLE, lb.to());
        assertTrue(lb.ackRequired());
        Smb2Exception e = assertThrows(Smb2Exception.class, () -> table.acknowledgeLease("client-b", KEY2, 7));
        assertEquals(NtStatus.REQUEST_NOT_ACCEPTED, e.status(), "W was broken: acknowledging it back is refused");
        assertEquals(3, table.acknowledgeLease("client-b", KEY2, 3).state());
        assertEquals(3, table.grant(FILE, owner(), lease("client-a", KEY1, 7, 1, 0)).leaseState());
    }

    @Test
    void versionTwoEpochsCountEveryStateChange() throws Exception {
        Granted g = table.grant(FILE, owner(), lease("client-b", KEY2, 7, 2, 0x20));
        assertEquals(0x21, g.leaseEpoch(), "a new lease: the client's epoch plus one");
        BreakNotice.LeaseBreak lb = (BreakNotice.LeaseBreak) table.prepare(FILE, lease("client-a", KEY1, 7, 2, 0x10))
                .get(0);
        assertEquals(0x22, lb.epoch());
        table.acknowledgeLease("client-b", KEY2, 3);
        assertEquals(0x11, table.grant(FILE, owner(), lease("client-a", KEY1, 7, 2, 0x10)).leaseEpoch());
    }

    @Test
    void theSameLeaseKeyNeverBreaksItselfAndNamesOneFileOnly() throws Exception {
        table.grant(FILE, owner(), lease("client-a", KEY1, 7, 1, 0));
        assertEquals(List.of(), table.prepare(FILE, lease("client-a", KEY1, 7, 1, 0)));
        assertEquals(7, table.grant(FILE, owner(), lease("client-a", KEY1, 7, 1, 0)).leaseState());
        Smb2Exception e = assertThrows(Smb2Exception.class,
                () -> table.prepare(new FileKey(1, 2), lease("client-a", KEY1, 7, 1, 0)));
        assertEquals(NtStatus.INVALID_PARAMETER, e.status());
    }

    @Test
    void handleCachingIsBrokenOnlyToClearASharingViolation() throws Exception {
        table.grant(FILE, owner(), lease("client-b", KEY2, 3, 1, 0));
        assertEquals(List.of(), table.prepare(FILE, lease("client-a", KEY1, 3, 1, 0)), "RH is shared");
        BreakNotice.LeaseBreak lb = (BreakNotice.LeaseBreak) table.prepareSharingViolationBreak(FILE,
                lease("client-a", KEY1, 3, 1, 0)).get(0);
        assertEquals(LeaseState.READ, lb.to());
    }

    @Test
    void leasesAreNotGrantedWhenLeasingIsOffOrForAnInvalidState() {
        assertEquals(OplockLevel.NONE, new FileStore(messenger, false).oplocks().grant(FILE, owner(), lease("c", KEY1, 7, 1, 0)).level());
        Granted none = table.grant(FILE, owner(), lease("c", KEY1, LeaseState.HANDLE, 1, 0));
        assertEquals(OplockLevel.LEASE, none.level(), "a lease is answered even when it grants nothing");
        assertEquals(LeaseState.NONE, none.leaseState(), "H without R is not a state a lease can have");
    }

    private static final int R = LeaseState.READ;
    private static final int H = LeaseState.HANDLE;
    private static final int W = LeaseState.WRITE;

    /** smb2.lease.upgrade2's matrix: an uncontended key upgrades to a valid strict superset of what it holds. */
    @Test
    void aHeldKeyUpgradesOnlyToAStrictSupersetItCanHave() {
        int[] states = {0, R, R | H, R | W, R | H | W};
        int[][] expected = {
            {0, R, R | H, R | W, R | H | W},
            {R, R, R | H, R | W, R | H | W},
            {R | H, R | H, R | H, R | H, R | H | W},
            {R | W, R | W, R | W, R | W, R | H | W},
            {R | H | W, R | H | W, R | H | W, R | H | W, R | H | W},
        };
        for (int i = 0; i < states.length; i++) {
            for (int j = 0; j < states.length; j++) {
                Oplocks t = store(messenger).oplocks();
                OwnerId first = owner();
                assertEquals(states[i], t.grant(FILE, first, lease("c", KEY1, states[i], 1, 0)).leaseState());
                assertEquals(expected[i][j], t.grant(FILE, owner(), lease("c", KEY1, states[j], 1, 0)).leaseState(),
                        "held " + LeaseState.name(states[i]) + ", asked for " + LeaseState.name(states[j]));
            }
        }
    }

    /** smb2.lease.upgrade3: beside another key an upgrade needing W is refused whole, RH is allowed. */
    @Test
    void aContendedUpgradeHappensOnlyWhereAllOfItCanBeShared() {
        table.grant(FILE, owner(), lease("c", KEY1, R, 1, 0));
        table.grant(FILE, owner(), lease("c", KEY2, R, 1, 0));
        assertEquals(R, table.grant(FILE, owner(), lease("c", KEY1, R | H | W, 1, 0)).leaseState());
        assertEquals(R, table.grant(FILE, owner(), lease("c", KEY1, R | W, 1, 0)).leaseState());
        assertEquals(R | H, table.grant(FILE, owner(), lease("c", KEY1, R | H, 1, 0)).leaseState());
    }

    /** smb2.lease.breaking3: an overwrite during a break lowers its goal; the acknowledgment continues in steps. */
    @Test
    void anOpenDuringABreakLowersItsGoalAndTheAcknowledgmentContinuesInSteps() throws Exception {
        table.grant(FILE, owner(), lease("c", KEY1, R | H | W, 1, 0));
        assertEquals(1, table.prepare(FILE, oplock(OplockLevel.NONE)).size());
        OplockRequest overwrite = new OplockRequest("c", OplockLevel.NONE, null, 0, 0, 0, null, false, false, true,
                false);
        assertEquals(List.of(), table.prepare(FILE, overwrite), "a break in progress is not announced again");

        Oplocks.Acknowledged first = table.acknowledgeLease("c", KEY1, R | H);
        assertEquals(R | H, first.state());
        BreakNotice.LeaseBreak toRead = (BreakNotice.LeaseBreak) first.further().get(0);
        assertEquals(List.of(R | H, R, 1), List.of(toRead.from(), toRead.to(), toRead.ackRequired() ? 1 : 0));
        assertTrue(table.breaking(FILE, overwrite), "the overwrite still waits");

        BreakNotice.LeaseBreak toNone = (BreakNotice.LeaseBreak) table.acknowledgeLease("c", KEY1, R).further().get(0);
        assertEquals(List.of(R, 0, 0), List.of(toNone.from(), toNone.to(), toNone.ackRequired() ? 1 : 0));
        assertFalse(table.breaking(FILE, overwrite));
    }

    /** smb2.lease.breaking4: an overwrite breaks RH to none and goes on; only W (or H against a share mode) holds it. */
    @Test
    void aFirstRunWaitsOnlyForALeaseCachingWhatItConflictsWith() throws Exception {
        table.grant(FILE, owner(), lease("c", KEY1, R | H, 1, 0));
        OplockRequest overwrite = new OplockRequest("c", OplockLevel.NONE, null, 0, 0, 0, null, false, false, true,
                false);
        BreakNotice.LeaseBreak lb = (BreakNotice.LeaseBreak) table.prepare(FILE, overwrite).get(0);
        assertEquals(List.of(R | H, 0, 1), List.of(lb.from(), lb.to(), lb.ackRequired() ? 1 : 0));
        assertFalse(table.breaking(FILE, overwrite, true, false));
        assertTrue(table.breaking(FILE, overwrite, false, false), "run again after a wait, it waits");
        assertTrue(table.breaking(FILE, overwrite, true, true), "against a share mode H is what conflicts");

        FileKey other = new FileKey(1, 4);
        table.grant(other, owner(), lease("c", KEY2, R | H | W, 1, 0));
        table.prepare(other, oplock(OplockLevel.NONE));
        assertTrue(table.breaking(other, oplock(OplockLevel.NONE), true, false), "W is broken: the open waits");
    }

    /** smb2.lease.rename_wait and unlink: a name about to go takes handle caching from the other leases only. */
    @Test
    void aNameAboutToGoBreaksTheOtherLeasesHandleCaching() throws Exception {
        OwnerId renamer = owner();
        table.grant(FILE, renamer, lease("c", KEY1, R | H, 1, 0));
        table.grant(FILE, owner(), lease("c", KEY2, R | H, 1, 0));
        OplockRequest self = table.leaseRequestOf(renamer);
        BreakNotice.LeaseBreak lb = (BreakNotice.LeaseBreak) table.prepareHandleBreak(FILE, self).get(0);
        assertEquals(List.of(R | H, R), List.of(lb.from(), lb.to()));
        assertEquals(KEY2[0], lb.key()[0], "the renamer's own lease is not broken");
        assertTrue(table.leaseBreaking(FILE, self));
        table.acknowledgeLease("c", KEY2, R);
        assertFalse(table.leaseBreaking(FILE, self));
        assertEquals(List.of(), table.prepareHandleBreak(FILE, self));
        assertNull(table.leaseRequestOf(owner()), "an open without a grant has no lease");
    }

    /** smb2.lease.oplock: no handle caching beside an oplock, no oplock beside handle caching. */
    @Test
    void oplocksAndHandleLeasesExcludeEachOther() {
        assertEquals(OplockLevel.II, table.grant(FILE, owner(), oplock(OplockLevel.II)).level());
        assertEquals(R, table.grant(FILE, owner(), lease("c", KEY1, R | H, 1, 0)).leaseState());

        FileKey other = new FileKey(1, 3);
        assertEquals(R | H, table.grant(other, owner(), lease("c", KEY2, R | H, 1, 0)).leaseState());
        assertEquals(OplockLevel.NONE, table.grant(other, owner(), oplock(OplockLevel.II)).level());
    }
}
