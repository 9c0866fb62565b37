package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.smb.smb2.auth.NtlmCrypto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * scripts/smbpasswd keeps the password off every command line (checked with strace on every execve of the
 * script and of the JVM it starts) and writes the NT-hash file 0600; the server tightens a smbpasswd file
 * that group or others can read, with a warning, as Samba does.
 */
class SmbPasswdIT extends SmbServerSuite {
    private static final Path SCRIPT = Path.of("..", "scripts", "smbpasswd").toAbsolutePath().normalize();
    private static final String SECRET = "s3cr3t-on-stdin-0xC0FFEE";

    @Test
    void passwordIsReadFromStdinAndTheFileIsOwnerOnly() throws Exception {
        Path dir = Files.createDirectories(base.resolve("smbpasswd-script"));
        Path file = dir.resolve("smbpasswd");
        Path trace = dir.resolve("execve.trace");
        Path stdin = Files.writeString(dir.resolve("password.txt"), SECRET + "\n");
        ProcessBuilder pb = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=execve", "-s", "65536", "-o",
                trace.toString(), SCRIPT.toString(), file.toString(), "alice", "1234")
                .redirectInput(stdin.toFile()).redirectErrorStream(true);
        pb.environment().put("SWRAP_NO_BUILD", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "scripts/smbpasswd did not finish: " + output);
        assertEquals(0, p.exitValue(), output);

        String execs = Files.readString(trace);
        assertTrue(execs.contains("io.swrap.smb.smb2.auth.SmbPasswdTool"), "the trace shows the JVM's command line:\n"
                + execs);
        assertFalse(execs.contains(SECRET), "the password is on a command line (visible in ps):\n" + execs);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String hash = HexFormat.of().withUpperCase().formatHex(NtlmCrypto.ntHash(SECRET));
        assertTrue(Files.readString(file).startsWith("alice:1234:" + "X".repeat(32) + ":" + hash + ":"),
                Files.readString(file));
    }

    @Test
    void serverMakesAGroupReadableSmbpasswdFileOwnerOnly() throws Exception {
        Path passwd = base.resolve("net").resolve("smbpasswd");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        String before = env.serverStderr();
        // a logon makes the server read the file
        try (ChildProcess c = ChildProcess.java("bounds-probe", ChildProcess.net(env.swrapDir(), 24),
                "io.swrap.selftest.peers.BoundsProbe", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD, "badEchoes:1")) {
            Matcher m = c.expect("(RESULT|ERROR) badEchoes:1 (.*)", Duration.ofSeconds(60));
            assertEquals("RESULT", m.group(1), m.group(2) + "\n" + c.stderr());
            c.succeeds();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwd)));
        String log = env.serverStderr().substring(before.length());
        assertTrue(List.of(log.split("\n")).stream().anyMatch(l -> l.contains("WARNING")
                && l.contains(passwd.toString()) && l.contains("rw-r--r--")), "no warning about the file's mode:\n" + log);
    }
}
