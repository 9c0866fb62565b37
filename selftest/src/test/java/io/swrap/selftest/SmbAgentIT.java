package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SMB server in its own JVM under the agent, on port 445 of four fake NICs, and Debian's
 * smbclient under C libsocket_wrapper on another interface: every dialect, signed and encrypted.
 */
class SmbAgentIT extends SmbServerSuite {
    private static final int CLIENT = 21;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SMB2_02,", "SMB2_10,", "SMB3_00,", "SMB3_11,", "SMB2_10,sign", "SMB3_00,sign", "SMB3_11,sign",
        "SMB3_00,encrypt", "SMB3_11,encrypt"})
    void fileOperationsWithHashCheck(String dialect, String protection) throws Exception {
        String tag = dialect + (protection == null ? "" : "-" + protection);
        Path cwd = Files.createDirectories(base.resolve("client-" + tag));
        byte[] data = new byte[6 * 1024 * 1024 + 123];
        new Random(tag.hashCode()).nextBytes(data);
        Files.write(cwd.resolve("up.bin"), data);
        String commands = "put up.bin " + tag + ".bin; get " + tag + ".bin down.bin; mkdir d" + tag
                + "; rename " + tag + ".bin d" + tag + "\\moved.bin; allinfo d" + tag + "\\moved.bin; ls d" + tag + "\\*";
        Smbclient.Result r = protection == null
                ? env.smbclient(CLIENT, 11, SmbEnv.PASSWORD, cwd, commands, "-m", dialect)
                : env.smbclient(CLIENT, 11, SmbEnv.PASSWORD, cwd, commands, "-m", dialect,
                        "--client-protection=" + protection);
        assertEquals(0, r.exit(), r.output() + "\nserver:\n" + env.serverStderr());
        assertArrayEquals(sha256(data), sha256(Files.readAllBytes(cwd.resolve("down.bin"))), "SHA-256 after put/get");
        assertTrue(r.output().contains("create_time:"), "allinfo output:\n" + r.output());
        assertTrue(r.output().contains("moved.bin"), r.output());
        assertTrue(Files.exists(env.share().resolve("d" + tag).resolve("moved.bin")), "renamed into the new directory");

        r = env.smbclient(CLIENT, 11, SmbEnv.PASSWORD, cwd, "del d" + tag + "\\moved.bin; rmdir d" + tag + "; ls",
                "-m", dialect);
        assertEquals(0, r.exit(), r.output());
        assertFalse(Files.exists(env.share().resolve("d" + tag)), "deleted: " + r.output());
    }

    @Test
    void everyNicServes() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("client-nics"));
        for (int nic : NICS) {
            Smbclient.Result r = env.smbclient(CLIENT, nic, SmbEnv.PASSWORD, cwd, "ls", "-m", "SMB3");
            assertEquals(0, r.exit(), "127.0.0." + nic + ": " + r.output());
            assertTrue(r.output().contains("blocks of size"), r.output());
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("client-badpw"));
        Smbclient.Result r = env.smbclient(CLIENT, 11, "wrong", cwd, "ls", "-m", "SMB3");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("NT_STATUS_LOGON_FAILURE"), r.output());
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
