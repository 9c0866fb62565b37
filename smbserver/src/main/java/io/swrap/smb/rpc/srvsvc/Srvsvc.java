package io.swrap.smb.rpc.srvsvc;

import io.swrap.smb.rpc.RpcFault;
import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.rpc.RpcServer.ShareEntry;
import io.swrap.smb.rpc.RpcService;
import io.swrap.smb.rpc.SyntaxId;
import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;
import io.swrap.smb.rpc.ndr.NdrWriter;
import java.util.List;

/**
 * [MS-SRVS] srvsvc (4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0): NetrShareEnum (15), NetrShareGetInfo (16)
 * at levels 0, 1, 2, 501, 502, and NetrServerGetInfo (21) at levels 100, 101, 102, with the values Samba
 * answers where the protocol leaves a choice (no security descriptor at level 502, max_uses unlimited).
 */
public final class Srvsvc implements RpcService {
    public static final SyntaxId SYNTAX = SyntaxId.of("4b324fc8-1670-01d3-1278-5a47bf6ee188", 3);
    static final int NETR_SHARE_ENUM = 15;
    static final int NETR_SHARE_GET_INFO = 16;
    static final int NETR_SERVER_GET_INFO = 21;
    static final int WERR_OK = 0;
    static final int WERR_INVALID_LEVEL = 0x7C;
    /** What Samba answers for a share it does not have (Windows: NERR_NetNameNotFound, 0x906). */
    static final int WERR_INVALID_NAME = 0x7B;
    /** PLATFORM_ID_NT and the version Samba reports (6.1). */
    static final int PLATFORM_NT = 500;
    static final int VERSION_MAJOR = 6;
    static final int VERSION_MINOR = 1;
    /**
     * SV_TYPE_WORKSTATION | SV_TYPE_SERVER | SV_TYPE_PRINTQ_SERVER | SV_TYPE_SERVER_UNIX | SV_TYPE_NT |
     * SV_TYPE_SERVER_NT | SV_TYPE_DFS: what Samba 4.17 answers for a stand-alone server, even with
     * {@code load printers = no} ("Wk Sv PrQ Unx NT SNT").
     */
    static final int SERVER_TYPE = 0x00809A03;
    private static final List<Integer> SHARE_LEVELS = List.of(0, 1, 2, 501, 502);
    /**
     * Levels the IDL's share unions (srvsvc_NetShareInfo, srvsvc_NetShareCtr) have an arm for and this server does
     * not serve: their answer still carries the arm's pointer, NULL, as the client's unmarshalling expects.
     */
    private static final List<Integer> OTHER_SHARE_ARMS = List.of(503, 1004, 1005, 1006, 1007, 1501);
    /** The same for srvsvc_NetSrvInfo. */
    private static final List<Integer> OTHER_SERVER_ARMS = List.of(402, 403, 502, 503, 599, 1005, 1010, 1016, 1017,
            1018, 1107, 1501, 1502, 1503, 1506, 1509, 1510, 1511, 1512, 1513, 1514, 1515, 1516, 1518, 1520, 1521, 1522,
            1523, 1524, 1525, 1528, 1529, 1530, 1533, 1534, 1535, 1536, 1537, 1538, 1539, 1540, 1541, 1542, 1543, 1544,
            1545, 1546, 1547, 1548, 1549, 1550, 1552, 1553, 1554, 1555, 1556);

    private final RpcServer server;

    public Srvsvc(RpcServer server) {
        this.server = server;
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public byte[] call(int opnum, NdrReader in) throws RpcFault, NdrException {
        return switch (opnum) {
            case NETR_SHARE_ENUM -> shareEnum(in);
            case NETR_SHARE_GET_INFO -> shareGetInfo(in);
            case NETR_SERVER_GET_INFO -> serverGetInfo(in);
            default -> throw RpcFault.opnum("srvsvc", opnum);
        };
    }

    /** NetrShareEnum: [in,out] SHARE_ENUM_STRUCT, [in] PreferedMaximumLength, [out] TotalEntries, [in,out,unique] ResumeHandle. */
    private byte[] shareEnum(NdrReader in) throws NdrException {
        in.uniqueString();
        int level = in.u32Int("Level");
        in.u32();
        if (in.pointer()) {
            in.u32();
            if (in.pointer()) {
                throw new NdrException("NetrShareEnum with a share array in the request");
            }
        }
        in.u32();
        boolean resume = in.pointer();
        if (resume) {
            in.u32();
        }
        NdrWriter w = new NdrWriter(2);
        w.u32(level).u32(level);
        List<ShareEntry> shares = server.shares();
        boolean known = SHARE_LEVELS.contains(level);
        if (OTHER_SHARE_ARMS.contains(level)) {
            w.pointer(false);
        }
        if (known) {
            w.pointer(true);
            w.u32(shares.size()).pointer(true);
            w.u32(shares.size());
            for (ShareEntry e : shares) {
                fixed(w, level, e);
            }
            for (ShareEntry e : shares) {
                deferred(w, level, e);
            }
        }
        w.u32(known ? shares.size() : 0);
        w.pointer(resume);
        if (resume) {
            w.u32(0);
        }
        return w.u32(known ? WERR_OK : WERR_INVALID_LEVEL).toByteArray();
    }

    /** NetrShareGetInfo: [in,string] NetName, [in] Level, [out,switch_is(Level)] LPSHARE_INFO InfoStruct. */
    private byte[] shareGetInfo(NdrReader in) throws NdrException {
        in.uniqueString();
        String name = in.string();
        int level = in.u32Int("Level");
        ShareEntry found = server.shares().stream().filter(e -> e.name().equalsIgnoreCase(name)).findFirst()
                .orElse(null);
        NdrWriter w = new NdrWriter(1);
        w.u32(level);
        int status = WERR_OK;
        if (!SHARE_LEVELS.contains(level)) {
            if (OTHER_SHARE_ARMS.contains(level)) {
                w.pointer(false);
            }
            status = WERR_INVALID_LEVEL;
        } else if (found == null) {
            w.pointer(false);
            status = WERR_INVALID_NAME;
        } else {
            w.pointer(true);
            fixed(w, level, found);
            deferred(w, level, found);
        }
        return w.u32(status).toByteArray();
    }

    /** SHARE_INFO_0/1/2/501/502 without their strings ([MS-SRVS] 2.2.4.22-2.2.4.26). */
    private static void fixed(NdrWriter w, int level, ShareEntry e) {
        w.pointer(true);
        if (level == 0) {
            return;
        }
        w.u32(e.type()).pointer(true);
        if (level == 501) {
            w.u32(0); // shi501_flags: CSC_CACHE_MANUAL_REFERENCE
        } else if (level == 2 || level == 502) {
            w.u32(0).u32(0xFFFFFFFFL).u32(1); // permissions, max_uses (unlimited), current_uses
            w.pointer(true).pointer(false); // path, passwd
            if (level == 502) {
                w.u32(0).pointer(false); // no security descriptor
            }
        }
    }

    private static void deferred(NdrWriter w, int level, ShareEntry e) {
        w.string(e.name());
        if (level != 0) {
            w.string(e.comment());
        }
        if (level == 2 || level == 502) {
            w.string(e.path());
        }
    }

    /** NetrServerGetInfo: [in] Level, [out,switch_is(Level)] LPSERVER_INFO InfoStruct. */
    private byte[] serverGetInfo(NdrReader in) throws NdrException {
        in.uniqueString();
        int level = in.u32Int("Level");
        NdrWriter w = new NdrWriter(1);
        w.u32(level);
        if (level != 100 && level != 101 && level != 102) {
            if (OTHER_SERVER_ARMS.contains(level)) {
                w.pointer(false);
            }
            return w.u32(WERR_INVALID_LEVEL).toByteArray();
        }
        w.pointer(true);
        w.u32(PLATFORM_NT).pointer(true);
        if (level >= 101) {
            w.u32(VERSION_MAJOR).u32(VERSION_MINOR).u32(SERVER_TYPE).pointer(true);
        }
        if (level == 102) {
            // users (unlimited), disc (idle minutes), hidden, announce, anndelta, licenses: Samba's values
            w.u32(0xFFFFFFFFL).u32(15).u32(0).u32(240).u32(3000).u32(100000).pointer(true);
        }
        w.string(server.netbiosName());
        if (level >= 101) {
            w.string(server.comment());
        }
        if (level == 102) {
            w.string("C:\\");
        }
        return w.u32(WERR_OK).toByteArray();
    }
}
