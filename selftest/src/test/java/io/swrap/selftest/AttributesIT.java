package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.selftest.peers.AttributesPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * What real clients see of DOS attributes (issue 12), against the server in its own JVM: Samba's smbclient
 * (under C socket_wrapper) and the project's Java client (in a child JVM under the agent). Every expected
 * answer is what Samba 4.17's smbd gives to the same commands (shared/tools/samba-anchor.sh).
 */
class AttributesIT extends SmbServerSuite {
    private static final int CLIENT = 33;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);
    /** FILE_WRITE_DATA | SYNCHRONIZE; FILE_READ_DATA | SYNCHRONIZE; DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE. */
    private static final String WRITE = "00100002";
    private static final String READ = "00100001";
    private static final String DELETE = "00110080";
    private static final String MAXIMUM_ALLOWED = "02000000";
    private static final int FILE_OPEN = 1;
    private static final int FILE_OVERWRITE_IF = 5;
    private static final String NON_DIRECTORY = "40";
    private static final String DELETE_ON_CLOSE = "1040";

    /** Runs AttributesPeer's scenarios; returns each one's status (OK or the NTSTATUS name). */
    static Map<String, String> creates(List<String> scenarios) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", SmbEnv.USER,
                SmbEnv.PASSWORD));
        args.addAll(scenarios);
        Map<String, String> out = new LinkedHashMap<>();
        try (ChildProcess p = ChildProcess.java("attributes-peer", ChildProcess.net(env.swrapDir(), CLIENT),
                AttributesPeer.class.getName(), args.toArray(String[]::new))) {
            for (String sc : scenarios) {
                Matcher m = p.expect("(OK|FAILED|ERROR) \\Q" + sc + "\\E (.*)", PEER_TIMEOUT);
                assertEquals("OK", m.group(1), sc + ": " + m.group(2) + "\n" + p.stderr());
                out.put(sc, m.group(2).substring("create=".length()));
            }
            p.succeeds();
        }
        return out;
    }

    static String create(String name, String access, int disposition, String options) {
        return "create:" + name + ":" + access + ":" + disposition + ":" + options;
    }

    @Test
    void readOnlyIsStoredAndRefusesWritesAndDeletes() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("ro-cwd"));
        Files.writeString(cwd.resolve("new.txt"), "overwritten\n");
        Files.writeString(env.share().resolve("ro.txt"), "original\n");
        Smbclient.Result r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd, "setmode ro.txt +r; allinfo ro.txt");
        assertTrue(r.output().contains("attributes: RA (21)"), r.output());

        r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd, "put new.txt ro.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED opening remote file \\ro.txt"), r.output());
        r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd, "del ro.txt");
        assertTrue(r.output().contains("NT_STATUS_CANNOT_DELETE deleting remote file \\ro.txt"), r.output());
        assertEquals("original\n", Files.readString(env.share().resolve("ro.txt")), "the READONLY file was changed");

        Map<String, String> st = creates(List.of(
                create("ro.txt", WRITE, FILE_OPEN, NON_DIRECTORY),
                create("ro.txt", READ, FILE_OVERWRITE_IF, NON_DIRECTORY),
                create("ro.txt", DELETE, FILE_OPEN, DELETE_ON_CLOSE),
                create("ro.txt", READ, FILE_OPEN, NON_DIRECTORY),
                create("ro.txt", MAXIMUM_ALLOWED, FILE_OPEN, NON_DIRECTORY)));
        assertEquals(List.of("STATUS_ACCESS_DENIED", "STATUS_ACCESS_DENIED", "STATUS_CANNOT_DELETE", "OK", "OK"),
                List.copyOf(st.values()), st.toString());
        assertEquals("original\n", Files.readString(env.share().resolve("ro.txt")), "the READONLY file was changed");

        r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd, "setmode ro.txt -r; put new.txt ro.txt; allinfo ro.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        assertTrue(r.output().contains("attributes: A (20)"), r.output());
        assertEquals("overwritten\n", Files.readString(env.share().resolve("ro.txt")));
    }

    /**
     * Each name form and what Samba 4.17's smbd answers to it (CREATE of an existing dir\f.txt, FILE_OPEN,
     * FILE_READ_ATTRIBUTES; options 40 = FILE_NON_DIRECTORY_FILE), measured with this peer against
     * shared/tools/samba-anchor.sh.
     */
    private static final String[][] PATH_FORMS = {
        {"dir\\\\f.txt", "0", "OK"},
        {"dir\\\\\\f.txt", "0", "OK"},
        {"dir\\f.txt\\", "0", "OK"},
        {"dir\\f.txt\\", "40", "STATUS_OBJECT_NAME_INVALID"},
        {"dir\\f.txt\\\\", "0", "OK"},
        {"dir\\.\\f.txt", "0", "STATUS_OBJECT_PATH_NOT_FOUND"},
        {".\\dir\\f.txt", "0", "STATUS_OBJECT_PATH_NOT_FOUND"},
        {"dir\\..\\dir\\f.txt", "0", "OK"},
        {"dir\\..\\dir\\..\\dir\\f.txt", "0", "OK"},
        {"..\\dir\\f.txt", "0", "STATUS_OBJECT_PATH_SYNTAX_BAD"},
        {"dir\\..\\..\\x", "0", "STATUS_OBJECT_PATH_SYNTAX_BAD"},
        {"dir\\..\\nope\\x", "0", "STATUS_OBJECT_PATH_NOT_FOUND"},
        {"dir\\", "0", "OK"},
        {"dir\\\\", "0", "OK"},
        {"dir\\nope\\", "0", "STATUS_OBJECT_NAME_NOT_FOUND"},
        {".", "0", "STATUS_OBJECT_NAME_INVALID"},
        {"..", "0", "STATUS_OBJECT_PATH_SYNTAX_BAD"},
        {"dir\\.", "0", "STATUS_OBJECT_NAME_INVALID"},
        {"dir\\.\\", "0", "STATUS_OBJECT_NAME_INVALID"},
        {"dir\\..", "0", "OK"},
        {"dir\\..\\", "0", "OK"},
        {"a".repeat(256), "0", "STATUS_OBJECT_NAME_INVALID"},
        {"b".repeat(255), "0", "STATUS_OBJECT_NAME_NOT_FOUND"},
    };

    @Test
    void pathFormsAreAnsweredAsSambaAnswersThem() throws Exception {
        Files.createDirectories(env.share().resolve("dir"));
        Files.writeString(env.share().resolve("dir/f.txt"), "f");
        List<String> scenarios = new ArrayList<>();
        for (String[] f : PATH_FORMS) {
            scenarios.add(create(f[0], "00100080", FILE_OPEN, f[1]));
        }
        Map<String, String> got = creates(scenarios);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < PATH_FORMS.length; i++) {
            String status = got.get(scenarios.get(i));
            if (!status.equals(PATH_FORMS[i][2])) {
                wrong.add(PATH_FORMS[i][0] + " options " + PATH_FORMS[i][1] + ": " + status + " (Samba: "
                        + PATH_FORMS[i][2] + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void smbgetDownloadsADirectoryTree() throws Exception {
        // libsmbclient names the files of a recursive download dir\\file: Samba accepts that form
        Files.createDirectories(env.share().resolve("tree/sub"));
        Files.writeString(env.share().resolve("tree/a.txt"), "one\n");
        Files.writeString(env.share().resolve("tree/sub/b.txt"), "two\n");
        Path cwd = Files.createDirectories(base.resolve("smbget-cwd"));
        Map<String, String> e = ChildProcess.net(env.swrapDir(), CLIENT);
        e.put("LD_PRELOAD", io.swrap.selftest.env.DebianLibs.libsocketWrapper().toString());
        try (ChildProcess p = ChildProcess.command("smbget", e, List.of("sh", "-c", "cd \"$1\" && exec smbget -R -U \"$2\""
                + " smb://127.0.0." + NICS[0] + "/share/tree/", "smbget", cwd.toString(),
                SmbEnv.USER + "%" + SmbEnv.PASSWORD))) {
            p.succeeds();
        }
        assertEquals("one\n", Files.readString(cwd.resolve("a.txt")));
        assertEquals("two\n", Files.readString(cwd.resolve("sub/b.txt")));
    }

    @Test
    void hiddenSystemArchiveRoundTrip() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("hs-cwd"));
        Files.writeString(env.share().resolve("hs.txt"), "x");
        Files.createDirectories(env.share().resolve("hsdir"));
        Smbclient.Result r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd,
                "setmode hs.txt +hs; allinfo hs.txt; setmode hsdir +h; allinfo hsdir; setmode hs.txt -ha; allinfo hs.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        assertTrue(r.output().contains("attributes: HSA (26)"), r.output());
        assertTrue(r.output().contains("attributes: HD (12)"), r.output());
        assertTrue(r.output().contains("attributes: S (4)"), r.output());
        r = env.smbclient(CLIENT, NICS[0], SmbEnv.PASSWORD, cwd, "ls hs*");
        assertTrue(r.output().matches("(?s).*hsdir +DH .*"), r.output());
        assertTrue(r.output().matches("(?s).*hs\\.txt +S .*"), r.output());
    }
}
