package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.DebianLibs;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NT ACLs stored and enforced (issue 12), against the server in its own JVM with Samba's smbclient and smbcacls
 * under C socket_wrapper and two smbpasswd users: what a new file gets (Samba's descriptor: the creator FULL,
 * Domain Users and Everyone READ), and that smbcacls add/set/delete change who may open it.
 */
class NtAclIT extends SmbServerSuite {
    private static final int CLIENT = 34;
    private static final String OTHER = "other";
    private static final String OTHER_PASSWORD = "secret2";

    private static Smbclient.Result smbclient(String user, String password, Path cwd, String commands)
            throws Exception {
        return Smbclient.run(env.swrapDir(), CLIENT, "//127.0.0." + NICS[0] + "/share", user, password, cwd, 60,
                commands);
    }

    /** smbcacls as {@code user} on {@code file} with {@code args}; returns its exit status and output. */
    private static String[] smbcacls(String user, String password, String file, String... args) throws Exception {
        Map<String, String> e = ChildProcess.net(env.swrapDir(), CLIENT);
        e.put("LD_PRELOAD", DebianLibs.libsocketWrapper().toString());
        List<String> cmd = new ArrayList<>(List.of("smbcacls", "--configfile=/dev/null",
                "//127.0.0." + NICS[0] + "/share", file, "-U", user + "%" + password, "--use-kerberos=off"));
        cmd.addAll(List.of(args));
        try (ChildProcess p = ChildProcess.command("smbcacls", e, cmd)) {
            int rc = p.waitFor();
            return new String[] {Integer.toString(rc), String.join("\n", p.stdout()) + "\n" + p.stderr()};
        }
    }

    @Test
    void newFilesAreOwnedByTheirCreatorAndSmbcaclsChangesWhoMayWrite() throws Exception {
        new SmbPasswdFile(env.share().resolveSibling("smbpasswd")).addUser(OTHER, 1001, OTHER_PASSWORD,
                System.currentTimeMillis() / 1000);
        Path cwd = Files.createDirectories(base.resolve("acl-cwd"));
        Files.writeString(cwd.resolve("v1.txt"), "tester's\n");
        Files.writeString(cwd.resolve("v2.txt"), "other's\n");
        Smbclient.Result r = smbclient(SmbEnv.USER, SmbEnv.PASSWORD, cwd, "mkdir acl; put v1.txt acl\\f.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());

        String[] get = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt");
        assertEquals("0", get[0], get[1]);
        // as Samba names them: SERVER\tester, SERVER\None (the users' group), Everyone
        String host = get[1].replaceAll("(?s).*OWNER:([^\\n\\\\]+)\\\\tester\\n.*", "$1");
        assertFalse(host.contains("\n"), "owned by the user who created it:\n" + get[1]);
        assertTrue(get[1].contains("GROUP:" + host + "\\None\n"), get[1]);
        assertTrue(get[1].contains("ACL:" + host + "\\tester:ALLOWED/0x0/FULL\nACL:" + host
                + "\\None:ALLOWED/0x0/READ\nACL:Everyone:ALLOWED/0x0/READ\n"), get[1]);

        // Everyone may read, only the owner write: the other user's write and ACL change are refused
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "get acl\\f.txt got.txt; put v2.txt acl\\f.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED opening remote file \\acl\\f.txt"), r.output());
        assertEquals("tester's\n", Files.readString(cwd.resolve("got.txt")));
        // a named stream changes its file: the other user may not make one, the owner may, and Everyone reads it
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "put v2.txt acl\\f.txt:note");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());
        // ... not even through an open asking for FILE_READ_ATTRIBUTES only (which would make the stream all the same)
        try (ChildProcess p = ChildProcess.java("new-stream", ChildProcess.net(env.swrapDir(), CLIENT),
                "io.swrap.selftest.peers.BoundsProbe", "127.0.0." + NICS[0] + ":" + SmbEnv.PORT, "share", OTHER,
                OTHER_PASSWORD, "newStream:acl\\f.txt")) {
            assertEquals("status=0xc0000022", p.expect("(?:RESULT|ERROR) newStream:\\S+ (.*)").group(1),
                    "ACCESS_DENIED");
            p.succeeds();
        }
        r = smbclient(SmbEnv.USER, SmbEnv.PASSWORD, cwd, "put v1.txt acl\\f.txt:note");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "get acl\\f.txt:note note.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        assertEquals("tester's\n", Files.readString(cwd.resolve("note.txt")));
        String[] add = smbcacls(OTHER, OTHER_PASSWORD, "acl/f.txt", "-a", "ACL:" + OTHER + ":ALLOWED/0x0/FULL");
        assertFalse(add[0].equals("0"), add[1]);
        assertTrue(add[1].contains("NT_STATUS_ACCESS_DENIED"), add[1]);

        // the owner grants the other user FULL: now its write goes through
        add = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt", "-a", "ACL:" + OTHER + ":ALLOWED/0x0/FULL");
        assertEquals("0", add[0], add[1]);
        assertTrue(smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt")[1].contains("\\" + OTHER + ":ALLOWED/0x0/FULL"));
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "put v2.txt acl\\f.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        assertEquals("other's\n", Files.readString(env.share().resolve("acl/f.txt")));

        // deleting the ACE takes it back
        String[] del = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt", "-D", "ACL:" + OTHER + ":ALLOWED/0x0/FULL");
        assertEquals("0", del[0], del[1]);
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "put v1.txt acl\\f.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());

        // set replaces the whole DACL: the owner keeps READ_CONTROL and WRITE_DAC, so it can read and restore it
        String[] set = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt", "-S", "ACL:" + SmbEnv.USER
                + ":ALLOWED/0x0/READ");
        assertEquals("0", set[0], set[1]);
        r = smbclient(SmbEnv.USER, SmbEnv.PASSWORD, cwd, "put v1.txt acl\\f.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), r.output());
        r = smbclient(OTHER, OTHER_PASSWORD, cwd, "get acl\\f.txt got2.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), "Everyone's READ is gone:\n" + r.output());
        set = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "acl/f.txt", "-S", "ACL:" + SmbEnv.USER + ":ALLOWED/0x0/FULL");
        assertEquals("0", set[0], set[1]);
        r = smbclient(SmbEnv.USER, SmbEnv.PASSWORD, cwd, "put v1.txt acl\\f.txt; del acl\\f.txt; rmdir acl");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
    }

    /** smbcacls names well-known SIDs and BUILTIN aliases (lsarpc LookupNames/LookupSids) as Samba 4.17 does. */
    @Test
    void wellKnownNamesAreLookedUpAsSambaSpellsThem() throws Exception {
        Path cwd = Files.createDirectories(base.resolve("wkn-cwd"));
        Files.writeString(cwd.resolve("w.txt"), "well known\n");
        Smbclient.Result r = smbclient(SmbEnv.USER, SmbEnv.PASSWORD, cwd, "put w.txt wkn.txt");
        assertFalse(r.output().contains("NT_STATUS_"), r.output());
        String[] add = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "wkn.txt", "-a", "ACL:CREATOR OWNER:ALLOWED/0x0/READ,"
                + "ACL:BUILTIN\\Administrators:ALLOWED/0x0/FULL,ACL:NT AUTHORITY\\SYSTEM:ALLOWED/0x0/FULL,"
                + "ACL:nt authority\\authenticated users:ALLOWED/0x0/READ,ACL:Owner Rights:ALLOWED/0x0/READ");
        assertEquals("0", add[0], add[1]);
        String[] get = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "wkn.txt");
        assertEquals("0", get[0], get[1]);
        for (String line : List.of("ACL:Creator Owner:ALLOWED/0x0/READ", "ACL:BUILTIN\\Administrators:ALLOWED/0x0/FULL",
                "ACL:NT Authority\\SYSTEM:ALLOWED/0x0/FULL", "ACL:NT Authority\\Authenticated Users:ALLOWED/0x0/READ",
                "ACL:Owner Rights:ALLOWED/0x0/READ", "ACL:Everyone:ALLOWED/0x0/READ")) {
            assertTrue(get[1].contains(line + "\n"), line + " in:\n" + get[1]);
        }
        String[] numeric = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "wkn.txt", "--numeric");
        for (String sid : List.of("S-1-3-0", "S-1-5-32-544", "S-1-5-18", "S-1-5-11", "S-1-3-4", "S-1-1-0")) {
            assertTrue(numeric[1].contains("ACL:" + sid + ":0/0x0/"), sid + " in:\n" + numeric[1]);
        }
        // deleting by name what lets any user read (Everyone, Authenticated Users, the users' group) takes the
        // other user's read away
        String host = get[1].replaceAll("(?s).*OWNER:([^\\n\\\\]+)\\\\tester\\n.*", "$1");
        new SmbPasswdFile(env.share().resolveSibling("smbpasswd")).addUser("third", 1002, "secret3",
                System.currentTimeMillis() / 1000);
        r = smbclient("third", "secret3", cwd, "get wkn.txt got.txt");
        assertFalse(r.output().contains("NT_STATUS_"), "Everyone may read:\n" + r.output());
        String[] del = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "wkn.txt", "-D", "ACL:Everyone:ALLOWED/0x0/READ,"
                + "ACL:NT Authority\\Authenticated Users:ALLOWED/0x0/READ,ACL:" + host + "\\None:ALLOWED/0x0/READ");
        assertEquals("0", del[0], del[1]);
        r = smbclient("third", "secret3", cwd, "get wkn.txt got2.txt");
        assertTrue(r.output().contains("NT_STATUS_ACCESS_DENIED"), "Everyone's READ is gone:\n" + r.output());
        String[] unknown = smbcacls(SmbEnv.USER, SmbEnv.PASSWORD, "wkn.txt", "-a", "ACL:NT AUTHORITY\\Nobody:ALLOWED/0x0/R");
        assertFalse(unknown[0].equals("0"), "an unknown name is refused:\n" + unknown[1]);
    }
}
