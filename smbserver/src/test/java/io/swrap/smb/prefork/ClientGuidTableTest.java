package io.swrap.smb.prefork;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's routing decisions and the workers' updates, on the real shared-memory tables. */
class ClientGuidTableTest {
    private static final byte[] A = guid(1);
    private static final byte[] B = guid(2);
    private static final byte[] C = guid(3);

    @TempDir
    Path dir;

    private static byte[] guid(int b) {
        byte[] g = new byte[ClientGuidTable.GUID_BYTES];
        g[0] = (byte) b;
        return g;
    }

    private static InetAddress addr(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private ClientGuidTable table(int slots) throws Exception {
        ClientGuidTable t = ClientGuidTable.create(dir, slots);
        for (int s = 0; s < slots; s++) {
            t.workerStarted(s, ProcessHandle.current().pid());
        }
        return t;
    }

    @Test
    void aClientGuidStaysWithItsWorkerAndNewOnesGoToTheLeastLoaded() throws Exception {
        try (ClientGuidTable t = table(3)) {
            int a = t.route(A, addr(21), false, s -> true);
            int b = t.route(B, addr(21), false, s -> true);
            assertNotEquals(a, b, "an idle worker is preferred");
            assertEquals(a, t.route(A, addr(22), false, s -> true), "a second channel of A, from another address");
            assertEquals(a, t.route(A, addr(23), false, s -> true));
            int c = t.route(C, addr(24), false, s -> true);
            assertNotEquals(a, c);
            assertNotEquals(b, c);
            int any = t.route(null, addr(25), false, s -> true);
            assertEquals(b, any, "SMB1/2.0.2: the least-loaded (b and c have 1 connection, b first)");
        }
    }

    @Test
    void theMessengersLocatorNamesTheWorkerPidOfAClientGuidWhileItHoldsIt() throws Exception {
        try (ClientGuidTable t = ClientGuidTable.create(dir, 2)) {
            t.workerStarted(0, 1001);
            t.workerStarted(1, 1002);
            int slot = t.route(A, addr(21), false, s -> true);
            io.swrap.smb.filestate.Messenger.Locator l = t.locator();
            assertEquals(1001 + slot, l.workerOf(0x0100000000000000L, 0), "A's bytes as (hi, lo)");
            assertEquals(0, l.workerOf(0x0200000000000000L, 0), "B was never routed");
            org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {1001, 1002}, l.workers());
            t.release(A, slot);
            assertEquals(0, l.workerOf(0x0100000000000000L, 0), "given up with its last connection");
        }
    }

    @Test
    void aReleasedOrDeadOwnerNoLongerHoldsItsClientGuid() throws Exception {
        try (ClientGuidTable t = table(2)) {
            int a = t.route(A, addr(21), false, s -> true);
            t.route(A, addr(21), false, s -> true);
            assertEquals(1 - a, t.route(B, addr(22), false, s -> true), "B takes the other, idle worker");
            t.connectionClosed(a);
            t.connectionClosed(a);
            t.release(A, 1 - a); // another worker cannot release it
            assertEquals(a, t.route(A, addr(21), false, s -> true), "still A's worker");
            assertEquals(1, t.forgetWorker(a));
            assertEquals(1 - a, t.route(A, addr(21), false, s -> s != a), "A's worker is down: the other one");
            assertEquals(-1, t.route(C, addr(23), false, s -> false), "no worker attached");
        }
    }

    @Test
    void peerAddressPlacementKeepsOneHostsClientsTogether() throws Exception {
        try (ClientGuidTable t = table(4)) {
            int a = t.route(A, addr(21), true, s -> true);
            assertEquals(a, t.route(B, addr(21), true, s -> true), "another ClientGuid of the same host");
            assertNotEquals(a, t.route(C, addr(31), true, s -> true), "another host: the least-loaded");
        }
    }

    @Test
    void aWorkerAttachesToTheMastersTables() throws Exception {
        try (ClientGuidTable master = table(2); ClientGuidTable worker = ClientGuidTable.open(dir)) {
            int a = master.route(A, addr(21), false, s -> true);
            worker.connectionClosed(a);
            worker.release(A, a);
            assertEquals(0, master.forgetWorker(a), "A was given up by its worker");
        }
    }
}
