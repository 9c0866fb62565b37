package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.RpcTools;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.selftest.env.Smbclient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Share listing over IPC$ named pipes and DCE/RPC with Samba's clients in the fake network: smbclient -L
 * (srvsvc over FSCTL_PIPE_TRANSCEIVE), net rpc share list (lsarpc for the domain SID, then srvsvc) and
 * rpcclient (srvsvc and lsarpc), each under C libsocket_wrapper, and jcifs-ng in a JVM under the agent, against
 * the server under the agent.
 */
class ShareListingIT extends SmbServerSuite {
    private static final long TIMEOUT_SECONDS = 120;

    private Path cwd(String name) throws Exception {
        return Files.createDirectories(base.resolve("listing-" + name));
    }

    @Test
    void smbclientListsShareAndIpc() throws Exception {
        Smbclient.Result r = RpcTools.listShares(env.swrapDir(), 20, "127.0.0.11", SmbEnv.USER, SmbEnv.PASSWORD,
                cwd("smbclient"), TIMEOUT_SECONDS);
        assertEquals(0, r.exit(), r.output());
        Matcher m = Pattern.compile("(?m)^\\t(\\S+)[ \\t]+(Disk|IPC)[ \\t]*(.*)$").matcher(r.output());
        StringBuilder rows = new StringBuilder();
        while (m.find()) {
            rows.append(m.group(1)).append('|').append(m.group(2)).append('|').append(m.group(3).strip()).append('\n');
        }
        assertEquals("share|Disk|\nIPC$|IPC|IPC Service (swrap smbserver)\n", rows.toString(), r.output());
    }

    @Test
    void jcifsNgListsShares() throws Exception {
        try (ChildProcess p = ChildProcess.java("jcifs-ng", ChildProcess.net(env.swrapDir(), 23),
                "io.swrap.selftest.JcifsSharesPeer", "127.0.0.14", SmbEnv.USER, SmbEnv.PASSWORD)) {
            Matcher m = p.expect("(SHARES|ERROR) (.*)", Duration.ofSeconds(TIMEOUT_SECONDS));
            // as against Samba's smbd (scripts/lib/samba-anchor.sh): "SHARES IPC$/,share/"
            assertEquals("SHARES IPC$/,share/", m.group(0), p.stderr() + "\nserver:\n" + env.serverStderr());
            p.succeeds();
        }
    }

    @Test
    void pipeWriteAndReadCarryPdus() throws Exception {
        try (ChildProcess p = ChildProcess.java("pipe-peer", ChildProcess.net(env.swrapDir(), 24),
                "io.swrap.selftest.PipePeer", "127.0.0.11:" + SmbEnv.PORT, SmbEnv.USER, SmbEnv.PASSWORD)) {
            Duration t = Duration.ofSeconds(TIMEOUT_SECONDS);
            assertEquals("STEP bind-ack type=12 length=68 frag=68 max_xmit=4280", p.expect("STEP bind-ack .*", t).group(0),
                    p.stderr());
            // OBJECT_NAME_NOT_FOUND, then FILE_CLOSED
            assertEquals("STEP unknown-pipe 0xC0000034", p.expect("STEP unknown-pipe .*", t).group(0));
            assertEquals("STEP read-after-close 0xC0000128", p.expect("STEP read-after-close .*", t).group(0));
            p.expect("OK", t);
            p.succeeds();
        }
    }

    @Test
    void netRpcShareList() throws Exception {
        Smbclient.Result r = RpcTools.netRpc(env.swrapDir(), 20, "127.0.0.12", SmbEnv.USER, SmbEnv.PASSWORD,
                cwd("net"), TIMEOUT_SECONDS, "share", "list");
        assertEquals(0, r.exit(), r.output());
        assertEquals("share\nIPC$\n", r.output(), r.output());
    }

    @Test
    void rpcclientSharesServerAndDomain() throws Exception {
        Smbclient.Result r = RpcTools.rpcclient(env.swrapDir(), 20, "127.0.0.13", SmbEnv.USER, SmbEnv.PASSWORD,
                cwd("rpcclient"), TIMEOUT_SECONDS, "netshareenumall; netsharegetinfo share; srvinfo; lsaquery 5");
        assertEquals(0, r.exit(), r.output());
        String out = r.output();
        assertTrue(out.contains("netname: share\n\tremark:\t\n\tpath:\tC:"), out);
        assertTrue(out.contains("netname: IPC$\n\tremark:\tIPC Service (swrap smbserver)"), out);
        assertTrue(out.contains("SWRAP          Wk Sv PrQ Unx NT SNT swrap smbserver"), out);
        assertTrue(out.matches("(?s).*Domain Name: SWRAP\\nDomain Sid: S-1-5-21-\\d+-\\d+-\\d+\\n.*"), out);
    }
}
