package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.swrap.smb.smb2.auth.SmbPasswdFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process (SmbServerMain in a child JVM) started with Debian's default smb.conf plus what
 * it needs here (address, port, smbpasswd file, paths under a temporary directory): it starts, logs to its
 * {@code log file} one line per event (the ignored settings with file:line among them), rotates that file past
 * {@code max log size}, and smbclient -L lists its share with the comment.
 */
class SambaConfServerTest {
    private static final long START_TIMEOUT_MS = 60_000;

    @TempDir
    Path tmp;

    @Test
    void debianSmbConfStartsAndLogsToItsLogFile() throws Exception {
        Path drivers = Files.createDirectories(tmp.resolve("printers"));
        Path logs = Files.createDirectories(tmp.resolve("log"));
        new SmbPasswdFile(tmp.resolve("smbpasswd")).addUser(SmbTestServer.USER, 1000, SmbTestServer.PASSWORD, 0);
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            port = s.getLocalPort();
        }
        String conf = "[global]\n   interfaces = 127.0.0.1\n   smb ports = " + port + "\n   smb passwd file = smbpasswd\n"
                + "   log level = 1\n"
                + io.swrap.smb.config.SambaConfTestAccess.debian()
                        .replace("[global]\n", "")
                        .replace("/var/log/samba/log.%m", logs.resolve("log.%m").toString())
                        .replace("max log size = 1000", "max log size = 1")
                        .replace("/var/lib/samba/printers", drivers.toString());
        Path confFile = tmp.resolve("smb.conf");
        Files.writeString(confFile, conf);
        Path log = logs.resolve("log.smbserver");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.swrap.smb.SmbServerMain", "-s", confFile.toString()));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("stderr").toFile())
                .start();
        try {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (!(Files.exists(log) && Files.readString(log).contains("listening on"))) {
                if (!server.isAlive() || System.currentTimeMillis() > deadline) {
                    fail("the server did not start: " + Files.readString(tmp.resolve("stderr"))
                            + (Files.exists(log) ? Files.readString(log) : ""));
                }
                Thread.sleep(100);
            }
            SmbClient.Result r = SmbClient.runBounded(List.of(SmbClient.SMBCLIENT.toString(), "--configfile=/dev/null",
                    "-L", "//127.0.0.1", "-p", Integer.toString(port), "-U",
                    SmbTestServer.USER + "%" + SmbTestServer.PASSWORD, "--use-kerberos=off"), tmp, 60);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().matches("(?s).*\\tprint\\$ +Disk +Printer Drivers\\n.*"), r.output());
        } finally {
            server.destroy();
            server.waitFor();
        }
        String all = (Files.exists(logs.resolve("log.smbserver.old"))
                ? Files.readString(logs.resolve("log.smbserver.old"), StandardCharsets.UTF_8) : "")
                + Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(Files.exists(logs.resolve("log.smbserver.old")), "rotated past 1 KiB: " + all);
        for (String line : all.split("\n")) {
            assertTrue(line.matches("SMBSERVER\\[\\d+\\] (INFO|WARNING) \\w+: .*"), "one line per event: " + line);
        }
        // the late lines survive the rotations (each replaces the previous .old)
        assertTrue(all.contains(" INFO SmbConfParser: " + confFile + ":39: [print$] 'guestok' is a Samba setting "
                + "this server does not use: ignored\n"), all);
        assertTrue(Files.size(log) < 1024 + 512, "the current file stays near max log size: " + Files.size(log));
        assertEquals("", Files.readString(tmp.resolve("stderr")), "everything went to the log file");
    }
}
