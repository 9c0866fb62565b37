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
    /** Levels wkssvc_NetWkstaInfo has an arm for besides 100 (not served here: 101 and 102 as Samba's non-admins). */
    private static final java.util.List<Integer> OTHER_ARMS = java.util.List.of(101, 102, 502, 1010, 1011, 1012, 1013,
            1018, 1023, 1027, 1028, 1032, 1033, 1041, 1042, 1043, 1044, 1045, 1046, 1047, 1048, 1049, 1050, 1051, 1052,
            1053, 1054, 1055, 1056, 1057, 1058, 1059, 1060, 1061, 1062);

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
            if (OTHER_ARMS.contains(level)) {
                w.pointer(false); // the IDL's union has an arm (a pointer) for it: NULL
            }
            return w.u32(WERR_INVALID_LEVEL).toByteArray();
        }
        // WKSTA_INFO_100: platform_id, computername, langroup, ver_major, ver_minor (as NetrServerGetInfo)
        w.pointer(true).u32(500).pointer(true).pointer(true).u32(6).u32(1);
        w.string(server.netbiosName()).string(server.workgroup());
        return w.u32(0).toByteArray();
    }
}
