package io.swrap.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwrapConfigTest {
    @TempDir
    Path dir;

    @Test
    void offWithoutDir() {
        assertFalse(SwrapConfig.load(Map.of(), null).enabled());
        assertFalse(SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", ""), "").enabled());
        // like C, the other settings are not even looked at while wrapping is off
        assertFalse(SwrapConfig.load(Map.of("SOCKET_WRAPPER_DEFAULT_IFACE", "99"), null).enabled());
    }

    @Test
    void defaultsAsC() throws Exception {
        SwrapConfig c = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString()), null);
        assertTrue(c.enabled());
        assertEquals(dir.toRealPath(), c.dir());
        assertEquals(1, c.defaultIface());
        assertEquals(SwrapConfig.Ipv4Network.LOOPBACK, c.ipv4Network());
        assertEquals(1500, c.mtu());
        assertEquals(65535, c.maxSockets());
        assertEquals(0, c.debugLevel());
        assertNull(c.pcapFile());
    }

    @Test
    void agentArgumentsOverrideTheEnvironment() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        SwrapConfig c = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString(),
                "SOCKET_WRAPPER_DEFAULT_IFACE", "11"), "dir=" + other + ",default_iface=21,ipv4_network=10.53.57.0");
        assertEquals(other.toRealPath(), c.dir());
        assertEquals(21, c.defaultIface());
        assertEquals(SwrapConfig.Ipv4Network.SAMBA, c.ipv4Network());
    }

    @Test
    void badValuesNameVariableValueAndRange() {
        Map<String, String> env = Map.of("SOCKET_WRAPPER_DIR", dir.toString(), "SOCKET_WRAPPER_MTU", "100");
        assertEquals("SOCKET_WRAPPER_MTU=100 is out of range (expected: 512..32768)",
                assertThrows(ConfigException.class, () -> SwrapConfig.load(env, null)).getMessage());
        Map<String, String> env2 = Map.of("SOCKET_WRAPPER_DIR", dir.toString(), "SOCKET_WRAPPER_MAX_SOCKETS", "lots");
        assertEquals("SOCKET_WRAPPER_MAX_SOCKETS=lots is not a number (expected: 1..262140)",
                assertThrows(ConfigException.class, () -> SwrapConfig.load(env2, null)).getMessage());
        assertEquals("agent argument default_iface=0 is out of range (expected: 1..64)",
                assertThrows(ConfigException.class,
                        () -> SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString()), "default_iface=0"))
                        .getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> SwrapConfig.load(Map.of(), "ifce=3")).getMessage()
                .startsWith("unknown agent argument 'ifce' (expected keys: "));
    }

    @Test
    void directoryTooLongForSunPath() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(100)));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", deep.toString()), null));
        assertTrue(e.getMessage().contains("is too long"), e.getMessage());
    }

    // Host identity
    @Test
    void identityDefaultsToTheDefaultInterface() {
        SwrapConfig c = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString(),
                "SOCKET_WRAPPER_DEFAULT_IFACE", "21"), null);
        assertEquals(new SwrapConfig.HostIdentity("swrap-21", java.util.List.of(21), null), c.identity());
    }

    @Test
    void identitySettingsFromEnvironmentAndArguments() throws Exception {
        Path hosts = java.nio.file.Files.writeString(dir.resolve("hosts"), "A a.example 127.0.0.11\n");
        SwrapConfig c = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString(),
                "SOCKET_WRAPPER_DEFAULT_IFACE", "21", "SWRAP_INTERFACES", "11,21,12",
                "RESOLV_WRAPPER_HOSTS", hosts.toString()), "hostname=c21.samba.example");
        assertEquals(new SwrapConfig.HostIdentity("c21.samba.example", java.util.List.of(21, 11, 12), hosts),
                c.identity());
        SwrapConfig args = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString()), "interfaces=3:4");
        assertEquals(java.util.List.of(1, 3, 4), args.identity().interfaces());
    }

    @Test
    void badIdentitySettingsNameTheVariable() {
        ConfigException name = assertThrows(ConfigException.class, () -> SwrapConfig.load(Map.of(
                "SOCKET_WRAPPER_DIR", dir.toString(), "SWRAP_HOSTNAME", "bad name"), null));
        assertTrue(name.getMessage().startsWith("SWRAP_HOSTNAME=bad name is not a host name"), name.getMessage());
        ConfigException iface = assertThrows(ConfigException.class, () -> SwrapConfig.load(Map.of(
                "SOCKET_WRAPPER_DIR", dir.toString(), "SWRAP_INTERFACES", "11,65"), null));
        assertTrue(iface.getMessage().startsWith("SWRAP_INTERFACES=65 is out of range (expected: 1..64)"),
                iface.getMessage());
        ConfigException hosts = assertThrows(ConfigException.class, () -> SwrapConfig.load(Map.of(
                "SOCKET_WRAPPER_DIR", dir.toString(), "RESOLV_WRAPPER_HOSTS", dir.resolve("none").toString()), null));
        assertTrue(hosts.getMessage().contains("not a readable file"), hosts.getMessage());
    }

    // Clear errors
    @Test
    void requireDirIsReadWhileWrappingIsOff() {
        assertTrue(SwrapConfig.load(Map.of("SWRAP_REQUIRE_DIR", "1"), null).requireDir());
        assertTrue(SwrapConfig.load(Map.of(), "require=1").requireDir());
        assertFalse(SwrapConfig.load(Map.of(), null).requireDir());
    }

    @Test
    void linksAsTcWritesThem() {
        SwrapConfig c = SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString(),
                "SWRAP_LINKS", "11:100mibit,2ms; 12:1gbit ;13:5ms;14:10MiBps"), null);
        assertEquals(new LinkSpec(11, 100L * 1024 * 1024 / 8, 2_000_000), c.links().get(11));
        assertEquals(new LinkSpec(12, 125_000_000, 0), c.links().get(12));
        assertEquals(new LinkSpec(13, 0, 5_000_000), c.links().get(13));
        assertEquals(new LinkSpec(14, 10L * 1024 * 1024, 0), c.links().get(14));
        assertTrue(SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString()), null).links().isEmpty());
        // agent arguments are comma-separated: there '/' separates rate and latency
        assertEquals(new LinkSpec(11, 2000, 250_000),
                SwrapConfig.load(Map.of("SOCKET_WRAPPER_DIR", dir.toString()), "links=11:16kbit/250us").links().get(11));
    }

    @Test
    void badLinksNameTheVariableAndTheItem() {
        for (String[] bad : new String[][] {
                {"11:100mibit;x:1gbit", "item 'x:1gbit': the interface is not a number"},
                {"65:1gbit", "item '65:1gbit': interface 65 is out of range 1..64"},
                {"11:fast", "item '11:fast': 'fast' is neither a rate nor a latency, or repeats one"},
                {"11:1gbit;11:2ms", "item '11:2ms': interface 11 is listed twice"},
                {"11", "item '11': no ':' after the interface"},
                {"11:10bit", "item '11:10bit': 10bit is below the minimum of 1024 bytes/s"},
                {"11:1mbit,2ms,3ms", "item '11:1mbit,2ms,3ms': '3ms' is neither a rate nor a latency, or repeats one"}}) {
            String message = assertThrows(ConfigException.class, () -> SwrapConfig.load(
                    Map.of("SOCKET_WRAPPER_DIR", dir.toString(), "SWRAP_LINKS", bad[0]), null)).getMessage();
            assertTrue(message.startsWith("SWRAP_LINKS: " + bad[1] + " (expected: IFACE:RATE"), message);
        }
    }
}
