package io.swrap.smb.rpc.lsarpc;

import io.swrap.smb.rpc.RpcFault;
import io.swrap.smb.rpc.RpcServer;
import io.swrap.smb.rpc.RpcService;
import io.swrap.smb.rpc.SyntaxId;
import io.swrap.smb.rpc.ndr.NdrException;
import io.swrap.smb.rpc.ndr.NdrReader;
import io.swrap.smb.rpc.ndr.NdrWriter;
import io.swrap.smb.rpc.ndr.Sid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * [MS-LSAD] lsarpc (12345778-1234-abcd-ef00-0123456789ab v0.0), what {@code rpcclient lsaquery} and
 * {@code net rpc} need: LsarClose (0), LsarOpenPolicy (6), LsarOpenPolicy2 (44), LsarLookupNames (14) and LsarLookupSids
 * (15) for the smbpasswd users ({@link LsaLookup}), LsarQueryInformationPolicy (7)
 * and LsarQueryInformationPolicy2 (46) at levels 3 (primary domain: the workgroup, no SID, as a Samba stand-alone
 * server) and 5 (account domain: the netbios name and the server's domain SID). One instance per pipe: the
 * policy handles it gave out are only valid on it.
 */
public final class Lsarpc implements RpcService {
    public static final SyntaxId SYNTAX = SyntaxId.of("12345778-1234-abcd-ef00-0123456789ab", 0);
    static final int CLOSE = 0;
    static final int OPEN_POLICY = 6;
    static final int LOOKUP_NAMES = 14;
    static final int LOOKUP_SIDS = 15;
    static final int QUERY_INFO_POLICY = 7;
    static final int OPEN_POLICY2 = 44;
    static final int QUERY_INFO_POLICY2 = 46;
    static final int POLICY_DOMAIN = 3;
    static final int POLICY_ACCOUNT_DOMAIN = 5;
    static final int STATUS_INVALID_HANDLE = 0xC0000008;
    static final int STATUS_INVALID_INFO_CLASS = 0xC0000003;
    static final int STATUS_TOO_MANY_SECRETS = 0xC0000156;
    /** Policy handles one pipe may hold. */
    public static final int MAX_HANDLES = 64;
    private static final int HANDLE_SIZE = 20;

    private final RpcServer server;
    private final Set<ByteBuffer> handles = new HashSet<>();

    public Lsarpc(RpcServer server) {
        this.server = server;
    }

    @Override
    public SyntaxId syntax() {
        return SYNTAX;
    }

    @Override
    public byte[] call(int opnum, NdrReader in) throws RpcFault, NdrException {
        return switch (opnum) {
            case CLOSE -> close(in);
            // the object attributes and access mask are not needed: every authenticated user may query
            case OPEN_POLICY, OPEN_POLICY2 -> openPolicy();
            case QUERY_INFO_POLICY, QUERY_INFO_POLICY2 -> queryInfo(in);
            case LOOKUP_NAMES, LOOKUP_SIDS -> lookup(opnum, in);
            default -> throw RpcFault.opnum("lsarpc", opnum);
        };
    }

    private byte[] openPolicy() {
        NdrWriter w = new NdrWriter();
        if (handles.size() >= MAX_HANDLES) {
            return w.bytes(new byte[HANDLE_SIZE]).u32(STATUS_TOO_MANY_SECRETS).toByteArray();
        }
        UUID u = UUID.randomUUID();
        byte[] h = ByteBuffer.allocate(HANDLE_SIZE).putInt(0).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
        handles.add(ByteBuffer.wrap(h));
        return w.bytes(h).u32(0).toByteArray();
    }

    private byte[] close(NdrReader in) throws NdrException {
        boolean known = handles.remove(ByteBuffer.wrap(in.bytes(HANDLE_SIZE)));
        return new NdrWriter().bytes(new byte[HANDLE_SIZE]).u32(known ? 0 : STATUS_INVALID_HANDLE).toByteArray();
    }

    private byte[] lookup(int opnum, NdrReader in) throws NdrException, RpcFault {
        if (!handles.contains(ByteBuffer.wrap(in.bytes(HANDLE_SIZE)))) {
            // domains NULL, an empty translation array, count 0
            return new NdrWriter().pointer(false).u32(0).pointer(false).u32(0).u32(STATUS_INVALID_HANDLE).toByteArray();
        }
        try {
            return opnum == LOOKUP_NAMES ? LsaLookup.lookupNames(server, in) : LsaLookup.lookupSids(server, in);
        } catch (IOException e) {
            throw new RpcFault(RpcFault.PROTO_ERROR, "the smbpasswd file or the domain SID cannot be read: "
                    + e.getMessage());
        }
    }

    /** [out,ref,switch_is(level)] lsa_PolicyInformation **info: a unique pointer, the u16 level, the arm. */
    private byte[] queryInfo(NdrReader in) throws NdrException, RpcFault {
        boolean known = handles.contains(ByteBuffer.wrap(in.bytes(HANDLE_SIZE)));
        int level = in.u16();
        NdrWriter w = new NdrWriter();
        if (!known) {
            return w.pointer(false).u32(STATUS_INVALID_HANDLE).toByteArray();
        }
        if (level != POLICY_DOMAIN && level != POLICY_ACCOUNT_DOMAIN) {
            return w.pointer(false).u32(STATUS_INVALID_INFO_CLASS).toByteArray();
        }
        String name = level == POLICY_DOMAIN ? server.workgroup() : server.netbiosName();
        Sid sid;
        try {
            sid = level == POLICY_DOMAIN ? null : server.domainSid();
        } catch (IOException e) {
            throw new RpcFault(RpcFault.PROTO_ERROR, "the domain SID cannot be read or made: " + e.getMessage());
        }
        int length = name.getBytes(StandardCharsets.UTF_16LE).length;
        w.pointer(true).u16(level);
        // lsa_DomainInfo, aligned as a structure with pointers (4): lsa_StringLarge name (length, size, pointer),
        // dom_sid2 *sid
        w.align(4).u16(length).u16(length + 2).pointer(true).pointer(sid != null);
        w.counted(name, length + 2);
        if (sid != null) {
            w.sid(sid);
        }
        return w.u32(0).toByteArray();
    }
}
