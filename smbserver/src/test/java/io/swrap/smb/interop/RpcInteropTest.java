package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.state.ServerState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share listing and DCE/RPC over IPC$ named pipes with Samba's own clients: {@code smbclient -L} (srvsvc
 * NetShareEnumAll level 1 over FSCTL_PIPE_TRANSCEIVE) and {@code rpcclient} (srvsvc, lsarpc), each a real
 * process against the server on 127.0.0.1.
 */
class RpcInteropTest {
    private static final Path RPCCLIENT = Path.of("/usr/bin/rpcclient");

    @TempDir
    static Path tmp;
    private static SmbServer server;
    private static int port;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = tmp.resolve("srv");
        for (String s : List.of("data", "ro", "hidden")) {
            Files.createDirectories(dir.resolve(s));
        }
        new SmbPasswdFile(dir.resolve("smbpasswd")).addUser(SmbTestServer.USER, 1000, SmbTestServer.PASSWORD, 0);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            port = s.getLocalPort();
        }
        String conf = "[global]\n"
                + "interfaces = 127.0.0.1\n"
                + "smb ports = " + port + "\n"
                + "smb passwd file = smbpasswd\n"
                + "netbios name = rpctest\n"
                + "workgroup = testgroup\n"
                + "server string = Interop Test Server\n"
                + "[ro]\npath = ro\n"
                + "[data]\npath = data\nread only = no\ncomment = Data for everyone\n"
                + "[hidden]\npath = hidden\nbrowseable = no\n";
        server = SmbServer.start(new ServerState(SmbConfParser.parse("rpc.conf", conf, dir)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SmbClient.Result rpcclient(String commands) throws Exception {
        assertTrue(Files.isExecutable(RPCCLIENT), RPCCLIENT + " is missing: install it with 'apt-get install -y smbclient'");
        return SmbClient.runBounded(List.of(RPCCLIENT.toString(), "--configfile=/dev/null", "-p", Integer.toString(port),
                "-U", SmbTestServer.USER + "%" + SmbTestServer.PASSWORD, "--option=clientusekerberos=off", "127.0.0.1",
                "-c", commands), tmp, 60);
    }

    @Test
    void smbclientListsSharesWithTypesAndComments() throws Exception {
        SmbClient.Result r = SmbClient.runBounded(List.of(SmbClient.SMBCLIENT.toString(), "--configfile=/dev/null",
                "-L", "//127.0.0.1", "-p", Integer.toString(port), "-U", SmbTestServer.USER + "%" + SmbTestServer.PASSWORD,
                "--use-kerberos=off"), tmp, 60);
        assertEquals(0, r.exit(), r.output());
        Matcher m = Pattern.compile("(?m)^\\t(\\S+)[ \\t]+(Disk|IPC)[ \\t]*(.*)$").matcher(r.output());
        StringBuilder rows = new StringBuilder();
        while (m.find()) {
            rows.append(m.group(1)).append('|').append(m.group(2)).append('|').append(m.group(3).strip()).append('\n');
        }
        // in smb.conf order, then IPC$, as Samba lists them
        assertEquals("ro|Disk|\ndata|Disk|Data for everyone\nIPC$|IPC|IPC Service (Interop Test Server)\n",
                rows.toString(), r.output());
    }

    @Test
    void rpcclientEnumeratesAndQueriesShares() throws Exception {
        SmbClient.Result r = rpcclient("netsharegetinfo nosuch; netshareenumall; netsharegetinfo data");
        assertEquals(0, r.exit(), r.output());
        String out = r.output();
        assertTrue(out.contains("netname: data\n\tremark:\tData for everyone\n\tpath:\tC:" + dir.resolve("data")
                .toRealPath().toString().replace('/', '\\')), out);
        assertTrue(out.contains("netname: IPC$\n\tremark:\tIPC Service (Interop Test Server)"), out);
        assertFalse(out.contains("netname: hidden"), out);
        assertTrue(out.contains("result was WERR_INVALID_NAME"), out);
    }

    @Test
    void rpcclientEnumeratesEveryLevel() throws Exception {
        // rpcclient asks for 1, 2 and 502 only (0 and 501 are covered by SrvsvcTest)
        for (int level : new int[] {1, 2, 502}) {
            SmbClient.Result r = rpcclient("netshareenumall " + level);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("netname: ro"), "level " + level + ": " + r.output());
            assertFalse(r.output().contains("result was"), "level " + level + ": " + r.output());
            if (level == 502) {
                assertTrue(r.output().contains("netname: IPC$\n\tremark:\tIPC Service (Interop Test Server)\n\tpath:\t\n"
                        + "\tpassword:\t(null)\n\ttype:\t0x80000003\n"), r.output());
            }
        }
    }

    @Test
    void rpcclientServerInfo() throws Exception {
        SmbClient.Result r = rpcclient("srvinfo");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("RPCTEST        Wk Sv PrQ Unx NT SNT Interop Test Server"), r.output());
        assertTrue(r.output().contains("platform_id     :\t500"), r.output());
        assertTrue(r.output().contains("os version      :\t6.1"), r.output());
    }

    @Test
    void rpcclientLsaQueryGivesTheDomainSidPersistedNextToSmbpasswd() throws Exception {
        SmbClient.Result r = rpcclient("lsaquery; lsaquery 5");
        assertEquals(0, r.exit(), r.output());
        String sid = Files.readString(dir.resolve("smbpasswd.sid")).strip();
        assertTrue(sid.matches("S-1-5-21-\\d+-\\d+-\\d+"), sid);
        assertTrue(r.output().contains("Domain Name: TESTGROUP\nDomain Sid: (NULL SID)"), r.output());
        assertTrue(r.output().contains("Domain Name: RPCTEST\nDomain Sid: " + sid), r.output());
    }

    @Test
    void rpcclientLooksUpTheSmbpasswdUsersBySidAndName() throws Exception {
        rpcclient("lsaquery 5");
        String sid = Files.readString(dir.resolve("smbpasswd.sid")).strip();
        // uid 1000: RID 2 * 1000 + 1000, Samba's algorithmic mapping
        SmbClient.Result r = rpcclient("lookupnames USER nobody; lookupsids " + sid + "-3000 " + sid + "-4242");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("USER " + sid + "-3000 (User: 1)\nnobody S-0-0 (UNKNOWN: 8)\n"), r.output());
        assertTrue(r.output().contains(sid + "-3000 RPCTEST\\user (1)\n" + sid + "-4242 *unknown*\\*unknown* (8)\n"),
                r.output());
        SmbClient.Result none = rpcclient("lookupnames nobody");
        assertTrue(none.output().contains("result was NT_STATUS_NONE_MAPPED"), none.output());
    }

    @Test
    void rpcclientUnservedLevels() throws Exception {
        // rpcclient prints nothing for a level 100 answer that decodes; level 102 is not served
        SmbClient.Result r = rpcclient("wkssvc_wkstagetinfo; wkssvc_wkstagetinfo 102");
        assertEquals("result was WERR_INVALID_LEVEL\n", r.output(), r.output());
        // srvsvc levels the IDL has and this server does not serve decode as such too; 102 is served
        SmbClient.Result s = rpcclient("srvinfo 102; srvinfo 1005; netsharegetinfo data 1005");
        assertTrue(s.output().contains("\tlicenses        :\t100000\n\tuser path       :\tC:\\\n"
                + "result was WERR_INVALID_LEVEL\nresult was WERR_INVALID_LEVEL\n"), s.output());
    }

    @Test
    void unknownPipeAndOpnumAreRefused() throws Exception {
        // rpcclient's samr commands open \PIPE\samr, which this server does not offer
        SmbClient.Result r = rpcclient("enumdomusers");
        assertTrue(r.output().contains("NT_STATUS_OBJECT_NAME_NOT_FOUND"), r.output());
        // srvsvc opnum 12 (NetrSessionEnum) is not implemented: a FAULT (nca_s_op_rng_error, which rpcclient shows as
        // a DOS code), and the pipe goes on serving the next call
        SmbClient.Result s = rpcclient("netsessenum; srvinfo");
        assertTrue(s.output().contains("result was DOS code"), s.output());
        assertTrue(s.output().contains("RPCTEST        Wk Sv PrQ Unx NT SNT"), s.output());
    }
}
