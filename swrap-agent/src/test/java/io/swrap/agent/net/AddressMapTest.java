package io.swrap.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AddressMapTest {
    private final AddressMap loopback = new AddressMap(Path.of("/tmp/sw"), new byte[] {127, 0, 0, 0}, 21);
    private final AddressMap samba = new AddressMap(Path.of("/tmp/sw"), new byte[] {10, 53, 57, 0}, 11);

    @Test
    void remoteAddressesMapToTheListenersFile() throws Exception {
        assertEquals("T0B01BD", loopback.remote(InetAddress.getByName("127.0.0.11"), 445, true).fileName());
        assertEquals("U0B0035", loopback.remote(InetAddress.getByName("127.0.0.11"), 53, false).fileName());
        assertEquals("X0C01BD", loopback.remote(InetAddress.getByName("fd00::5357:5f0c"), 445, true).fileName());
        assertEquals("T0B01BD", samba.remote(InetAddress.getByName("10.53.57.11"), 445, true).fileName());
        assertEquals(Path.of("/tmp/sw/T0B01BD"), loopback.path(new SocketName('T', 11, 445)));
    }

    @Test
    void ipv4MappedIpv6IsIpv4() throws Exception {
        assertEquals("T0B01BD", loopback.remote(InetAddress.getByName("::ffff:127.0.0.11"), 445, true).fileName());
    }

    @Test
    void outsideTheNetworkIsUnreachable() throws Exception {
        for (String host : new String[] {"127.0.1.11", "127.0.0.65", "127.0.0.0", "10.53.57.11", "::1", "fd00::5357:5e0b"}) {
            SocketException e = assertThrows(SocketException.class,
                    () -> loopback.remote(InetAddress.getByName(host), 445, true), host);
            assertTrue(e.getMessage().startsWith("Network is unreachable"), e.getMessage());
        }
        assertThrows(SocketException.class, () -> samba.remote(InetAddress.getByName("127.0.0.11"), 445, true));
    }

    @Test
    void wildcardBindIsTheDefaultInterface() throws Exception {
        assertEquals("T150050", loopback.local(InetAddress.getByName("0.0.0.0"), 80, true).fileName());
        assertEquals("X150050", loopback.local(InetAddress.getByName("::"), 80, true).fileName());
        assertEquals("T0C0050", loopback.local(InetAddress.getByName("127.0.0.12"), 80, true).fileName());
        BindException e = assertThrows(BindException.class,
                () -> loopback.local(InetAddress.getByName("192.0.2.1"), 80, true));
        assertTrue(e.getMessage().startsWith("Cannot assign requested address"), e.getMessage());
    }

    @Test
    void namesStandForFakeAddresses() {
        assertEquals(new InetSocketAddress("127.0.0.11", 445), loopback.inetAddress(new SocketName('T', 11, 445)));
        assertEquals(new InetSocketAddress("10.53.57.64", 1), samba.inetAddress(new SocketName('T', 64, 1)));
        assertEquals(new InetSocketAddress("fd00::5357:5f15", 139), loopback.inetAddress(new SocketName('X', 21, 139)));
    }

    @Test
    void broadcastAddressesAreTheLimitedOneAndTheNetworks() throws Exception {
        assertTrue(loopback.isBroadcast(InetAddress.getByName("255.255.255.255")));
        assertTrue(loopback.isBroadcast(InetAddress.getByName("127.0.0.255")));
        assertTrue(samba.isBroadcast(InetAddress.getByName("10.53.57.255")));
        for (String host : new String[] {"127.0.1.255", "10.53.57.255", "127.0.0.11", "127.255.255.255", "fd00::5357:5fff"}) {
            assertFalse(loopback.isBroadcast(InetAddress.getByName(host)), host);
        }
    }

    @Test
    void onlyNamesInTheSocketDirectoryAreSenders() {
        assertEquals(new SocketName('U', 10, 7), loopback.nameIn("/tmp/sw/U0A0007"));
        assertNull(loopback.nameIn("/tmp/other/U0A0007"), "a name outside the directory");
        assertNull(loopback.nameIn("/tmp/sw/sub/U0A0007"), "a name below the directory");
        assertNull(loopback.nameIn("/tmp/sw/U0A00"), "not a socket_wrapper name");
        assertNull(loopback.nameIn("U0A0007"), "a relative name");
    }
}
