package io.swrap.smb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connection limits' smb.conf settings: defaults, values, units, and refusals naming key, value and range. */
class ConnectionLimitsTest {
    private static ConnectionLimits parse(String globals) throws ConfigException {
        return SmbConfParser.parse("test.conf", "[global]\nsmb passwd file = p\n" + globals, Path.of("/srv")).limits();
    }

    @Test
    void defaultsProtectWithoutAnySetting() throws Exception {
        ConnectionLimits l = parse("");
        assertEquals(ConnectionLimits.defaults(), l);
        assertEquals(1000, l.maxConnections());
        assertEquals(64, l.maxSessionsPerConnection());
        assertEquals(256, l.maxPendingSessions());
        assertEquals(64 * 1024, l.maxPreauthFrame());
        assertEquals(9 * 1024 * 1024, l.maxFrame());
        assertEquals(256L * 1024 * 1024, l.maxBufferedBytes());
        assertEquals(Duration.ofSeconds(60), l.preauthTimeout());
        assertEquals(Duration.ofMinutes(15), l.deadtime());
        assertEquals(8 * 1024 * 1024, l.maxUnsentBytes());
    }

    @Test
    void readsEverySettingWithUnits() throws Exception {
        ConnectionLimits l = parse("""
                smbserver:max connections = 20
                smbserver:Max Sessions Per Connection = 4
                smbserver:max pending sessions = 8
                smbserver:max pre-auth frame = 8K
                smbserver:max frame = 2m
                smbserver:max buffered bytes = 1G
                smbserver:pre-auth timeout = 3
                deadtime = 0
                smbserver:max unsent bytes = 1048576
                """);
        assertEquals(new ConnectionLimits(20, 4, 8, 8192, 2 * 1024 * 1024, 1L << 30, Duration.ofSeconds(3),
                Duration.ZERO, 1 << 20), l);
    }

    @Test
    void refusalsNameKeyValueAndRange() {
        assertMessage("smbserver:max connections = 0\n",
                "test.conf:3: smbserver:max connections: 0 (expected: 1..1000000)");
        assertMessage("smbserver:max sessions per connection = lots\n",
                "test.conf:3: smbserver:max sessions per connection: lots (expected: 1..65534)");
        assertMessage("smbserver:max pending sessions = -1\n",
                "test.conf:3: smbserver:max pending sessions: -1 (expected: 1..1000000)");
        assertMessage("smbserver:max pre-auth frame = 16M\n",
                "test.conf:3: smbserver:max pre-auth frame: 16M (expected: 4096..16777215 bytes, or with a K, M or G suffix)");
        assertMessage("smbserver:max frame = 1K\n",
                "test.conf:3: smbserver:max frame: 1K (expected: 65536..16777215 bytes, or with a K, M or G suffix)");
        assertMessage("smbserver:max buffered bytes = 99999999999G\n",
                "test.conf:3: smbserver:max buffered bytes: 99999999999G (expected: 1048576..68719476736 bytes, or with a K, M or G suffix)");
        assertMessage("smbserver:pre-auth timeout = 0\n",
                "test.conf:3: smbserver:pre-auth timeout: 0 (expected: 1..3600)");
        assertMessage("deadtime = 1.5\n", "test.conf:3: deadtime: 1.5 (expected: 0..10080)");
        assertMessage("smbserver:max unsent bytes = 1K\n",
                "test.conf:3: smbserver:max unsent bytes: 1K (expected: 65536..1073741824 bytes, or with a K, M or G suffix)");
    }

    @Test
    void limitsMustBeConsistent() {
        assertMessage("smbserver:max frame = 64K\nsmbserver:max pre-auth frame = 128K\n",
                "test.conf:4: smbserver:max pre-auth frame: 131072 is above smbserver:max frame 65536 (expected: at most that)");
        assertMessage("smbserver:max buffered bytes = 4M\n",
                "test.conf:3: smbserver:max buffered bytes: 4194304 is below smbserver:max frame 9437184 (expected: at least one frame)");
    }

    private static void assertMessage(String globals, String message) {
        assertEquals(message, assertThrows(ConfigException.class, () -> parse(globals)).getMessage());
    }
}
