package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The project's Java SMB client (the smbclient module, {@code io.swrap.smbclient}) in a child JVM under the agent
 * against the project's SMB server on four fake NICs: every dialect, signed, encrypted, a refused
 * password, servers that require signing or encryption; and Debian's smbclient confirms what the Java
 * client wrote.
 */
class JavaSmbClientIT extends SmbServerSuite {
    private static final int CLIENT = 22;
    private static final int MIB = 3;
    private static final Duration PER_SCENARIO = Duration.ofSeconds(30);

    /** Runs SmbClientPeer against {@code 127.0.0.nic:445} of the main server with the given scenarios. */
    private static ChildProcess peer(int nic, List<String> scenarios) throws Exception {
        return peer(env, nic, scenarios);
    }

    private static ChildProcess peer(SmbEnv server, int nic, List<String> scenarios) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0." + nic + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD));
        args.addAll(scenarios);
        return ChildProcess.java("smbclient-peer", ChildProcess.net(server.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.SmbClientPeer", args.toArray(String[]::new));
    }

    @Test
    void everyDialectSignedAndEncryptedRoundTripsAFile() throws Exception {
        // scenario -> "signed encrypted" the session must report
        Map<String, String> cases = new LinkedHashMap<>();
        for (String d : List.of("SMB2_02", "SMB2_10", "SMB3_00", "SMB3_02", "SMB3_11")) {
            cases.put(d + ":off:" + d + "-off.bin:" + MIB, "false false");
            cases.put(d + ":sign:" + d + "-sign.bin:" + MIB, "true false");
            if (d.startsWith("SMB3")) {
                cases.put(d + ":encrypt:" + d + "-encrypt.bin:" + MIB, "false true");
            }
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        int nic = 0;
        try (ChildProcess p = peer(NICS[nic++ % NICS.length], List.copyOf(cases.keySet()))) {
            for (var c : cases.entrySet()) {
                String dialect = c.getKey().split(":")[0];
                String[] flags = c.getValue().split(" ");
                Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + c.getKey() + "\\E (.*)", PER_SCENARIO);
                assertEquals("OK", m.group(1), c.getKey() + ": " + m.group(2) + "\nclient stderr:\n" + p.stderr()
                        + "\nserver:\n" + env.serverStderr());
                Matcher r = Pattern.compile("dialect=(\\S+) signed=(\\S+) encrypted=(\\S+) sha256=(\\S+) listed=(\\S+) .*")
                        .matcher(m.group(2));
                assertTrue(r.matches(), m.group(2));
                assertEquals(dialect, r.group(1), c.getKey());
                assertEquals(flags[0], r.group(2), c.getKey() + ": signed");
                assertEquals(flags[1], r.group(3), c.getKey() + ": encrypted");
                String file = c.getKey().split(":")[2];
                assertEquals("true", r.group(5), c.getKey() + ": " + file + " in QUERY_DIRECTORY of the root");
                assertEquals(r.group(4), sha256(Files.readAllBytes(env.share().resolve(file))), file + " on disk");
                hashes.put(file, r.group(4));
            }
            p.succeeds();
        }

        // The real smbclient reads back what the Java client wrote.
        Path cwd = Files.createDirectories(base.resolve("smbclient"));
        StringBuilder gets = new StringBuilder();
        hashes.keySet().forEach(f -> gets.append("get ").append(f).append("; "));
        Smbclient.Result r = env.smbclient(CLIENT, NICS[1], SmbEnv.PASSWORD, cwd, gets.toString(), "-m", "SMB3");
        assertEquals(0, r.exit(), r.output());
        for (var h : hashes.entrySet()) {
            assertEquals(h.getValue(), sha256(Files.readAllBytes(cwd.resolve(h.getKey()))), h.getKey() + " via smbclient");
        }
    }

    @Test
    void wrongPasswordIsLogonFailure() throws Exception {
        List<String> scenarios = List.of("SMB2_02:off:-:0:wrong", "SMB3_11:off:-:0:wrong", "SMB3_11:off:-:0");
        try (ChildProcess p = peer(NICS[2], scenarios)) {
            Matcher m = p.expect("(OK|FAILED|ERROR) \\QSMB2_02:off:-:0:wrong\\E (.*)", PER_SCENARIO);
            assertEquals("FAILED", m.group(1), m.group(2));
            assertTrue(m.group(2).startsWith("STATUS_LOGON_FAILURE"), m.group(2));
            m = p.expect("(OK|FAILED|ERROR) \\QSMB3_11:off:-:0:wrong\\E (.*)", PER_SCENARIO);
            assertEquals("FAILED", m.group(1), m.group(2));
            assertTrue(m.group(2).startsWith("STATUS_LOGON_FAILURE"), m.group(2));
            // The right password on the same server still works afterwards.
            m = p.expect("(OK|FAILED|ERROR) \\QSMB3_11:off:-:0\\E (.*)", PER_SCENARIO);
            assertEquals("OK", m.group(1), m.group(2) + "\n" + p.stderr());
            p.succeeds();
        }
    }

    @Test
    void serverRequirementsAreHonoured() throws Exception {
        // "server signing = mandatory": the client signs without being asked to.
        try (SmbEnv signing = SmbEnv.start(base.resolve("net-signing"), new int[] {31}, "server signing = mandatory");
             ChildProcess p = peer(signing, 31, List.of("SMB2_10:off:s210.bin:1", "SMB3_11:off:s311.bin:1"))) {
            expectOk(p, "SMB2_10:off:s210.bin:1", "dialect=SMB2_10 signed=true encrypted=false ");
            expectOk(p, "SMB3_11:off:s311.bin:1", "dialect=SMB3_11 signed=true encrypted=false ");
            p.succeeds();
        }
        // "smb encrypt = required": 3.x sessions are encrypted at the server's request; 2.1 is refused.
        try (SmbEnv encrypt = SmbEnv.start(base.resolve("net-encrypt"), new int[] {32}, "smb encrypt = required");
             ChildProcess p = peer(encrypt, 32, List.of("SMB3_02:off:e302.bin:1", "SMB3_11:off:e311.bin:1",
                     "SMB2_10:off:e210.bin:1"))) {
            expectOk(p, "SMB3_02:off:e302.bin:1", "dialect=SMB3_02 signed=false encrypted=true ");
            expectOk(p, "SMB3_11:off:e311.bin:1", "dialect=SMB3_11 signed=false encrypted=true ");
            Matcher m = p.expect("(OK|FAILED|ERROR) \\QSMB2_10:off:e210.bin:1\\E (.*)", PER_SCENARIO);
            assertEquals("FAILED", m.group(1), m.group(2));
            assertTrue(m.group(2).startsWith("STATUS_ACCESS_DENIED"), m.group(2));
            p.succeeds();
        }
    }

    private static void expectOk(ChildProcess p, String scenario, String prefix) throws Exception {
        Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + scenario + "\\E (.*)", PER_SCENARIO);
        assertEquals("OK", m.group(1), scenario + ": " + m.group(2) + "\nclient stderr:\n" + p.stderr());
        assertTrue(m.group(2).startsWith(prefix) && m.group(2).contains(" listed=true "), scenario + ": " + m.group(2));
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
