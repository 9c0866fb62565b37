package io.swrap.smb.smb2.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smbpasswd(5) file: Samba's line format with the NT hash of [MS-NLMP] 4.2.2.1.2 ("Password"). */
class SmbPasswdFileTest {
    @Test
    void smbpasswdRoundTrip(@TempDir Path dir) throws Exception {
        SmbPasswdFile f = new SmbPasswdFile(dir.resolve("smbpasswd"));
        f.addUser("Alice", 1001, "Password", 0x5F000000L);
        f.addUser("bob", 1002, "x", 0x5F000000L);
        f.addUser("alice", 1001, "Password", 0x5F000001L); // replaces, case-insensitively
        String text = Files.readString(dir.resolve("smbpasswd"));
        assertEquals(2, text.lines().count());
        assertEquals("alice:1001:" + "X".repeat(32) + ":A4F49C406510BDCAB6824EE7C30FD852:[U          ]:LCT-5F000001:",
                text.lines().findFirst().orElseThrow());
        assertArrayEquals(HexFormat.of().parseHex("a4f49c406510bdcab6824ee7c30fd852"), f.ntHash("ALICE"));
        assertNull(f.ntHash("carol"));
    }
}
