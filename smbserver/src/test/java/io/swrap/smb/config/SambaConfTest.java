package io.swrap.smb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** Samba's own smb.conf files parse: common settings accepted (and reported as ignored), logging settings used. */
class SambaConfTest {
    private static final Path BASE = Path.of("/srv");

    /** Debian's /etc/samba/smb.conf (samba 4.17), its settings as shipped. */
    static final String DEBIAN = """
            [global]
               workgroup = WORKGROUP
               log file = /var/log/samba/log.%m
               max log size = 1000
               logging = file
               panic action = /usr/share/samba/panic-action %d
               server role = standalone server
               obey pam restrictions = yes
               unix password sync = yes
               passwd program = /usr/bin/passwd %u
               passwd chat = *Enter\\snew\\s*\\spassword:* %n\\n *Retype\\snew\\s*\\spassword:* %n\\n *password\\supdated\\ssuccessfully* .
               pam password change = yes
               map to guest = bad user
               usershare allow guests = yes
            [homes]
               comment = Home Directories
               browseable = no
               read only = yes
               create mask = 0700
               directory mask = 0700
               valid users = %S
            [printers]
               comment = All Printers
               browseable = no
               path = /var/tmp
               printable = yes
               guest ok = no
               read only = yes
               create mask = 0700
            [print$]
               comment = Printer Drivers
               path = /var/lib/samba/printers
               browseable = yes
               read only = yes
               guest ok = no
            """;

    @Test
    void debiansDefaultSmbConfParses() throws Exception {
        SmbConfig c = SmbConfParser.parse("smb.conf", DEBIAN, BASE);
        assertEquals("WORKGROUP", c.workgroup());
        assertEquals(Path.of("/var/lib/samba/private/smbpasswd"), c.passwdFile(), "Samba's default place");
        assertEquals(Path.of("/var/log/samba/log.smbserver"), c.log().file());
        assertEquals(1000 * 1024, c.log().maxBytes());
        assertEquals(Level.INFO, c.log().level());
        assertEquals(List.of("ipc$", "print$"), c.shares().keySet().stream().sorted().toList());
        ShareConfig p = c.share("print$");
        assertEquals("Printer Drivers", p.comment());
        assertTrue(p.readOnly());
        List<String> ignored = c.log().ignored();
        assertTrue(ignored.contains("smb.conf:7: [global] 'serverrole' is a Samba setting this server does not use: ignored"),
                ignored.toString());
        assertTrue(ignored.contains("smb.conf:15: [homes]: home directory and printer shares are not supported: "
                + "section ignored"), ignored.toString());
        assertTrue(ignored.contains("smb.conf:22: [printers]: home directory and printer shares are not supported: "
                + "section ignored"), ignored.toString());
        assertTrue(ignored.contains("smb.conf:35: [print$] 'guestok' is a Samba setting this server does not use: ignored"),
                ignored.toString());
        // one line per ignored setting: 10 in [global], 3 in [homes], 2 in [printers], 1 in [print$], 2 sections
        assertEquals(18, ignored.size(), ignored.toString());
    }

    /** What scripts/lib/samba-anchor.sh writes for the comparison smbd. */
    @Test
    void anchorSmbConfParses() throws Exception {
        SmbConfig c = SmbConfParser.parse("anchor.conf", """
                [global]
                  workgroup = WG
                  netbios name = ANCHOR
                  server role = standalone server
                  interfaces =  127.0.0.11/8;speed=10000000000,capability=RSS 127.0.0.12/8;speed=10000000000,capability=RSS
                  bind interfaces only = yes
                  server multi channel support = yes
                  smbd:FSCTL_SMBTORTURE = yes
                  private dir = /a/priv
                  lock directory = /a/lock
                  state directory = /a/state
                  cache directory = /a/cache
                  pid directory = /a/run
                  ncalrpc dir = /a/run/ncalrpc
                  log file = /a/log/log.%m
                  passdb backend = tdbsam
                  smb ports = 445
                  kernel oplocks = no
                  load printers = no
                  disable spoolss = yes
                [share]
                  path = /a/share
                  read only = no
                  vfs objects = acl_xattr streams_xattr
                """, BASE);
        assertEquals(2, c.interfaces().size());
        assertEquals(Path.of("/a/priv/smbpasswd"), c.passwdFile());
        assertEquals(Path.of("/a/log/log.smbserver"), c.log().file());
        assertTrue(c.oplocking().fsctlSmbtorture());
        assertEquals(12, c.log().ignored().size(), c.log().ignored().toString());
    }

    @Test
    void logLevelMapsOntoTheServersLevels() throws Exception {
        assertEquals(Level.WARNING, level("0"));
        assertEquals(Level.INFO, level("1"));
        assertEquals(Level.FINE, level("3 auth:5 passdb:2"));
        assertEquals(Level.FINER, level("5"));
        assertEquals(Level.FINEST, level("10"));
        ConfigException e = assertThrows(ConfigException.class, () -> level("11"));
        assertTrue(e.getMessage().startsWith("t.conf:2: log level: 11 (expected: 0..10"), e.getMessage());
        assertThrows(ConfigException.class, () -> level("3 auth"));
        assertNull(SmbConfParser.parse("t.conf", "[global]\nsmb passwd file = p\n", BASE).log().file(), "stderr");
    }

    private static Level level(String v) throws ConfigException {
        return SmbConfParser.parse("t.conf", "[global]\nlog level = " + v + "\nsmb passwd file = p\n", BASE).log().level();
    }

    @Test
    void unknownSettingStaysAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SmbConfParser.parse("t.conf", DEBIAN.replace("usershare allow guests", "usershare alow guests"), BASE));
        assertTrue(e.getMessage().startsWith("t.conf:14: unknown setting 'usersharealowguests'"), e.getMessage());
    }
}
