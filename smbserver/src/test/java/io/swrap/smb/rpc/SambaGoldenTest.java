package io.swrap.smb.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.rpc.lsarpc.Lsarpc;
import io.swrap.smb.rpc.srvsvc.Srvsvc;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole PDUs compared byte for byte with Samba 4.17.12's: each request below is what rpcclient sent to Debian's
 * smbd (scripts/lib/samba-anchor.sh, netbios name ANCHOR, workgroup WG, one share [share] without comment),
 * captured with socket_wrapper's pcap; each expected answer is what that smbd sent back. The pipe here is
 * configured as that smbd was, and answers with the same bytes (the association group id and the policy
 * handle, which Samba picks at random, are given Samba's values).
 */
class SambaGoldenTest {
    private static final String SAMBA = "Samba 4.17.12-Debian";

    @TempDir
    Path dir;

    private RpcServer anchor() throws Exception {
        return new RpcServer(SmbConfParser.parse("anchor.conf", "[global]\nsmb passwd file = smbpasswd\n"
                + "netbios name = ANCHOR\nworkgroup = WG\nserver string = " + SAMBA + "\n[share]\npath = share\n"
                + "read only = no\n", dir));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String answer(Pipe p, String request) {
        p.write(hex(request));
        Pipe.Chunk c = p.read(Pipe.MAX_FRAG);
        return HexFormat.of().formatHex(c.data());
    }

    @Test
    void srvsvcBindSrvinfoShareEnumAndGetInfo() throws Exception {
        Pipe p = new Pipe("srvsvc", "srvsvc", new Srvsvc(anchor()), 0x16b9, m -> { });
        // BIND: one context, srvsvc v3.0 over NDR, max_xmit/max_recv 4280
        assertEquals("05000c03100000004400000001000000b810b810b91600000d005c706970655c73727673766300000100000000000000"
                + "045d888aeb1cc9119fe808002b10486002000000", answer(p,
                "05000b03100000004800000001000000b810b810000000000100000000000100c84f324b7016d30112785a47bf6ee188"
                + "03000000045d888aeb1cc9119fe808002b10486002000000"));
        // NetrServerGetInfo level 101
        assertEquals("0500020310000000900000000200000078000000000000006500000004000200f4010000080002000600000001000000"
                + "039a80000c00020007000000000000000700000041004e00430048004f0052000000000015000000000000001500000053"
                + "0061006d0062006100200034002e00310037002e00310032002d00440065006200690061006e000000000000000000",
                answer(p, "050000031000000048000000020000003000000000001500000002000d000000000000000d0000005c005c00310032"
                        + "0037002e0030002e0030002e00320031000000000065000000"));
        // NetrShareEnum level 1: [share] and IPC$
        assertEquals("0500020310000000e800000004000000d000000000000000010000000100000008000200020000000c000200020000"
                + "0010000200000000001400020018000200030000801c0002000600000000000000060000007300680061007200650000"
                + "00010000000000000001000000000000000500000000000000050000004900500043002400000000002300000000000000"
                + "230000004900500043002000530065007200760069006300650020002800530061006d0062006100200034002e00310037"
                + "002e00310032002d00440065006200690061006e00290000000000020000000000000000000000",
                answer(p, "05000003100000005c000000040000004400000000000f00000002000b000000000000000b0000003100320037002e"
                        + "0030002e0030002e0032003100000000000100000001000000040002000000000000000000ffffffff00000000"));
        // NetrShareGetInfo "share" level 1
        assertEquals("050002031000000058000000060000004000000000000000010000000400020008000200000000000c000200060000"
                + "0000000000060000007300680061007200650000000100000000000000010000000000000000000000",
                answer(p, "05000003100000005c000000060000004400000000001000000002000b000000000000000b0000003100320037002e"
                        + "0030002e0030002e00320031000000000006000000000000000600000073006800610072006500000001000000"));
        // NetrShareGetInfo "nosuch" level 1: WERR_INVALID_NAME
        assertEquals("0500020310000000240000000e0000000c0000000000000001000000000000007b000000",
                answer(p, "0500000310000000600000000e0000004800000000001000000002000b000000000000000b0000003100320037002e"
                        + "0030002e0030002e0032003100000000000700000000000000070000006e006f0073007500630068000000000001"
                        + "000000"));
    }

    @Test
    void lsarpcBindOpenPolicyAndQueryPrimaryDomain() throws Exception {
        Pipe p = new Pipe("lsarpc", "lsass", new Lsarpc(anchor()), 0x93bb, m -> { });
        assertEquals("05000c03100000004400000007000000b810b810bb9300000c005c706970655c6c736173730000000100000000000000"
                + "045d888aeb1cc9119fe808002b10486002000000", answer(p,
                "05000b03100000004800000007000000b810b810000000000100000000000100785734123412cdabef000123456789ab"
                + "00000000045d888aeb1cc9119fe808002b10486002000000"));
        // LsarOpenPolicy: a 20-byte handle (type 0, random GUID) and STATUS_SUCCESS
        String open = answer(p, "050000031000000044000000080000002c00000000000600000002005c000000180000000000000000000000"
                + "0000000000000000040002000c0000000200010000000002");
        assertEquals("050002031000000030000000080000001800000000000000" + "00000000", open.substring(0, 56));
        assertEquals("00000000", open.substring(open.length() - 8));
        String handle = open.substring(48, 88);
        // LsarQueryInformationPolicy level 3 with that handle: workgroup WG, no SID
        assertEquals("05000203100000004000000009000000280000000000000000000200030000000400060004000200000000000300"
                + "000000000000020000005700470000000000", answer(p, "05000003100000002e000000090000001600000000000700"
                        + handle + "0300"));
    }
}
