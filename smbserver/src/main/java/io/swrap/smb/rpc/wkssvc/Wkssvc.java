package io.swrap.smb.rpc.wkssvc;

import io.swrap.smb.rpc.RpcFault;
import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.rpc.RpcService;
import io.swrap.smb.rpc.SyntaxId;
import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;
import io.swrap.smb.rpc.ndr.NdrWriter;

/** [MS-WKST] wkssvc (6bffd098-a112-3610-9833-46c3f87e345a v1.0): NetrWkstaGetInfo (0) at level 100. */
public final class Wkssvc implements RpcService {
    public static final SyntaxId SYNTAX = SyntaxId.of("6bffd098-a112-3610-9833-46c3f87e345a", 1);
    static final int NETR_WKSTA_GET_INFO = 0;
    static final int WERR_INVALID_LEVEL = 0x7C;

    private final RpcServer server;

    public Wkssvc(RpcServer server) {
        this.server = server;
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public byte[] call(int opnum, NdrReader in) throws RpcFault, NdrException {
        if (opnum != NETR_WKSTA_GET_INFO) {
            throw RpcFault.opnum("wkssvc", opnum);
        }
        in.uniqueString();
        int level = in.u32Int("Level");
        NdrWriter w = new NdrWriter().u32(level);
        if (level != 100) {
            return w.u32(WERR_INVALID_LEVEL).toByteArray();
        }
        // WKSTA_INFO_100: platform_id, computername, langroup, ver_major, ver_minor (as NetrServerGetInfo)
        w.pointer(true).u32(500).pointer(true).pointer(true).u32(6).u32(1);
        w.string(server.netbiosName()).string(server.workgroup());
        return w.u32(0).toByteArray();
    }
}
