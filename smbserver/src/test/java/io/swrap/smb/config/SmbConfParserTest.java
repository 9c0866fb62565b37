package io.swrap.smb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmbConfParserTest {
    private static final Path BASE = Path.of("/srv");

    private static SmbConfig parse(String text) throws ConfigException {
        return SmbConfParser.parse("test.conf", text, BASE);
    }

    @Test
    void readsTheDocumentedSettings() throws Exception {
        SmbConfig c = parse("""
                # comment
                [global]
                   interfaces = 127.0.0.11;speed=10000000000,capability=RSS 127.0.0.12
                   smb ports = 445 4455
                   Server Signing = mandatory
                   smb encrypt = desired
                   server min protocol = SMB2_10
                   server max protocol = SMB3_02
                   smb passwd file = private/smbpasswd
                ; another comment
                [Share]
                   path = data
                   read only = no
                [secret]
                   path = /abs/secret
                   smb encrypt = required
                """);
        assertEquals(2, c.interfaces().size());
        assertEquals(10_000_000_000L, c.interfaces().get(0).linkSpeed());
        assertTrue(c.interfaces().get(0).rss());
        assertFalse(c.interfaces().get(1).rss());
        assertEquals("127.0.0.12", c.interfaces().get(1).address().getHostAddress());
        assertEquals(List.of(445, 4455), c.ports());
        assertEquals(SigningSetting.MANDATORY, c.signing());
        assertEquals(EncryptSetting.DESIRED, c.encrypt());
        assertEquals(Smb2Dialect.SMB2_10, c.minDialect());
        assertEquals(Smb2Dialect.SMB3_02, c.maxDialect());
        assertEquals(Path.of("/srv/private/smbpasswd"), c.passwdFile());
        assertEquals(Path.of("/srv/data"), c.share("SHARE").path());
        assertFalse(c.share("share").readOnly());
        assertEquals(EncryptSetting.DESIRED, c.share("share").encrypt());
        assertEquals(EncryptSetting.REQUIRED, c.share("secret").encrypt());
        assertTrue(c.share("secret").readOnly());
        assertTrue(c.share("IPC$").isIpc());
    }

    @Test
    void defaults() throws Exception {
        SmbConfig c = parse("[global]\nsmb passwd file = p\n");
        assertTrue(c.interfaces().isEmpty());
        assertEquals(List.of(445), c.ports());
        assertEquals(SigningSetting.AUTO, c.signing());
        assertEquals(EncryptSetting.OFF, c.encrypt());
        assertEquals(Smb2Dialect.SMB2_02, c.minDialect());
        assertEquals(Smb2Dialect.SMB3_11, c.maxDialect());
    }

    @Test
    void maxStreamSizeBoundsNamedStreamsAndZeroTurnsThemOff() throws Exception {
        String base = "[global]\nsmb passwd file = p\n[s]\npath = /tmp\n";
        ShareConfig dflt = parse(base).share("s");
        assertEquals(ShareConfig.MAX_STREAM_SIZE, dflt.maxStreamSize());
        assertTrue(dflt.namedStreams());
        assertEquals(100, parse(base + "smbserver:max stream size = 100\n").share("s").maxStreamSize());
        assertFalse(parse(base + "smbserver:max stream size = 0\n").share("s").namedStreams());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(base + "smbserver:max stream size = 65536\n"));
        assertTrue(e.getMessage().startsWith("test.conf:5: smbserver:max stream size: 65536 (expected: 0..65535"),
                e.getMessage());
    }

    @Test
    void unknownSettingNamesFileLineAndAcceptedKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("[global]\nsmb passwd file = p\nserver sigining = auto\n"));
        assertTrue(e.getMessage().startsWith("test.conf:3: unknown setting 'serversigining'"), e.getMessage());
        assertTrue(e.getMessage().contains("serversigning"), e.getMessage());
    }

    @Test
    void badValuesNameTheAcceptedOnes() {
        assertMessage("[global]\nsmb passwd file = p\nserver signing = maybe\n",
                "test.conf:3: server signing: maybe (expected: auto | mandatory | disabled)");
        assertMessage("[global]\nsmb passwd file = p\nsmb ports = 70000\n",
                "test.conf:3: smb ports: 70000 (expected: 1..65535)");
        assertMessage("[global]\nsmb passwd file = p\nserver max protocol = NT1\n",
                "test.conf:3: protocol: NT1 (expected: SMB2_02 | SMB2_10 | SMB3_00 | SMB3_02 | SMB3_11)");
        assertMessage("[global]\nsmb passwd file = p\n[s]\npath = d\nread only = perhaps\n",
                "test.conf:5: read only: perhaps (expected: yes | no)");
        assertMessage("[global]\nsmb passwd file = p\ninterfaces = eth0\n",
                "test.conf:3: interfaces: eth0 (expected: a numeric IPv4 or IPv6 address; names and netmasks are not supported)");
        assertMessage("[global]\nsmb passwd file = p\n[s]\nread only = no\n",
                "test.conf:3: share [s] has no 'path = DIR'");
        assertMessage("[global]\nsmb passwd file = p\nthis is not a setting\n",
                "test.conf:3: expected 'key = value', got: this is not a setting");
    }

    private static void assertMessage(String conf, String message) {
        assertEquals(message, assertThrows(ConfigException.class, () -> parse(conf)).getMessage());
    }

    @Test
    void preforkChildrenShareFileStateUnlessOptedOut() throws Exception {
        assertEquals(SmbConfig.Prefork.off(), parse("[global]\nsmb passwd file = p\n").prefork());
        assertEquals(new SmbConfig.Prefork(4, true, true), parse("[global]\nsmb passwd file = p\nprefork children = 4\n"
                + "smbserver:prefork unshared file state = yes\nsmbserver:prefork placement = peer-address\n").prefork());
        assertEquals(new SmbConfig.Prefork(4, true, false), parse("[global]\nsmb passwd file = p\nprefork children = 4\n"
                + "smbserver:prefork unshared file state = yes\n").prefork());
        assertEquals(0, parse("[global]\nsmb passwd file = p\nprefork children = 0\n").prefork().children());
        assertEquals(new SmbConfig.Prefork(4, false, false), parse("[global]\nsmb passwd file = p\nprefork children = 4\n")
                .prefork(), "the workers share one file-state store by default");
        assertMessage("[global]\nsmb passwd file = p\nprefork children = 65\n",
                "test.conf:3: prefork children: 65 (expected: 0 for one process, 1..64 worker processes)");
    }

    @Test
    void preforkSessionTableLimitsHaveDefaultsAndBounds() throws Exception {
        String base = "[global]\n smb passwd file = p\n prefork children = 2\n";
        assertEquals(16384, parse(base).prefork().maxSessions());
        assertEquals(java.time.Duration.ofSeconds(5), parse(base).prefork().sessionCloseTimeout());
        SmbConfig.Prefork p = parse(base + " smbserver:prefork max sessions = 100\n"
                + " smbserver:prefork session close timeout = 250\n").prefork();
        assertEquals(100, p.maxSessions());
        assertEquals(java.time.Duration.ofMillis(250), p.sessionCloseTimeout());
        assertMessage(base + " smbserver:prefork max sessions = 0\n",
                "test.conf:4: smbserver:prefork max sessions: 0 (expected: 1..262140)");
        assertMessage(base + " smbserver:prefork session close timeout = 5\n",
                "test.conf:4: smbserver:prefork session close timeout: 5 (expected: 10..60000)");
    }

    @Test
    void preforkDurableClaimTimeoutHasADefaultAndBounds() throws Exception {
        String base = "[global]\n smb passwd file = p\n prefork children = 2\n";
        assertEquals(java.time.Duration.ofSeconds(5), parse(base).prefork().durableClaimTimeout());
        assertEquals(java.time.Duration.ofMillis(800), parse(base + " smbserver:prefork durable claim timeout = 800\n")
                .prefork().durableClaimTimeout());
        assertMessage(base + " smbserver:prefork durable claim timeout = 60001\n",
                "test.conf:4: smbserver:prefork durable claim timeout: 60001 (expected: 10..60000)");
    }

    @Test
    void serverMultiChannelSupportDefaultsToYes() throws Exception {
        assertTrue(parse("[global]\nsmb passwd file = p\n").multiChannel(), "Samba's default since 4.15");
        assertFalse(parse("[global]\nsmb passwd file = p\nserver multi channel support = no\n").multiChannel());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("[global]\nsmb passwd file = p\nserver multi channel support = maybe\n"));
        assertTrue(e.getMessage().contains("server multi channel support: maybe (expected: yes | no)"), e.getMessage());
    }

    @Test
    void maxOpenFilesDefaultsToSambasAndIsBounded() throws Exception {
        String base = "[global]\n smb passwd file = p\n";
        assertEquals(16384, parse(base).requestLimits().maxOpenFiles());
        assertEquals(20, parse(base + " max open files = 20\n").requestLimits().maxOpenFiles());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(base + " max open files = 0\n"));
        assertTrue(e.getMessage().contains("max open files: 0 (expected: 1..1048576)"), e.getMessage());
    }

    @Test
    void clientAddressAffinityDefaultsToYes() throws Exception {
        String base = "[global]\n smb passwd file = p\n";
        assertTrue(parse(base).addressAffinity());
        assertFalse(parse(base + " smbserver:client address affinity = no\n").addressAffinity());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(base + " smbserver:client address affinity = sometimes\n"));
        assertTrue(e.getMessage().contains("smbserver:client address affinity: sometimes"), e.getMessage());
    }

    @Test
    void copyChunkLimitsDefaultToWindowsAndAreBounded() throws Exception {
        String base = "[global]\n smb passwd file = p\n";
        SmbConfig.RequestLimits d = parse(base).requestLimits();
        assertEquals(256, d.copyChunkMaxChunks());
        assertEquals(1 << 20, d.copyChunkMaxChunkSize());
        assertEquals(16 << 20, d.copyChunkMaxData());
        SmbConfig.RequestLimits set = parse(base + " smbserver:copychunk max chunks = 8\n"
                + " smbserver:copychunk max chunk size = 4096\n smbserver:copychunk max data size = 65536\n")
                .requestLimits();
        assertEquals(8, set.copyChunkMaxChunks());
        assertEquals(4096, set.copyChunkMaxChunkSize());
        assertEquals(65536, set.copyChunkMaxData());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(base + " smbserver:copychunk max chunk size = 0\n"));
        assertTrue(e.getMessage().contains("smbserver:copychunk max chunk size (bytes): 0 (expected: 1..16777216)"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(base + " smbserver:copychunk max chunks = 65537\n"));
        assertTrue(e.getMessage().contains("expected: 1..65536"), e.getMessage());
    }

    @Test
    void messagingLimitsBetweenWorkers() throws Exception {
        assertEquals(MessagingLimits.DEFAULTS, parse("[global]\nsmb passwd file = p\n").prefork().messaging());
        assertEquals(new MessagingLimits(512, 10, java.time.Duration.ofMillis(250)), parse("[global]\nsmb passwd"
                + " file = p\nsmbserver:ipc max message size = 512\nsmbserver:ipc max queued messages = 10\n"
                + "smbserver:ipc send timeout = 250\n").prefork().messaging());
        assertMessage("[global]\nsmb passwd file = p\nsmbserver:ipc max message size = 63\n",
                "test.conf:3: smbserver:ipc max message size: 63 (expected: 64..65536)");
        assertMessage("[global]\nsmb passwd file = p\nsmbserver:ipc max queued messages = 0\n",
                "test.conf:3: smbserver:ipc max queued messages: 0 (expected: 1..65536)");
        assertMessage("[global]\nsmb passwd file = p\nsmbserver:ipc send timeout = 60001\n",
                "test.conf:3: smbserver:ipc send timeout: 60001 (expected: 10..60000)");
    }
}
