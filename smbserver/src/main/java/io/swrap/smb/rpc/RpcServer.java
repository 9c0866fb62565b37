package io.swrap.smb.rpc;

import io.swrap.smb.config.ShareConfig;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.rpc.lsarpc.Lsarpc;
import io.swrap.smb.rpc.ndr.Sid;
import io.swrap.smb.rpc.srvsvc.Srvsvc;
import io.swrap.smb.rpc.wkssvc.Wkssvc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DCE/RPC services of IPC$ and what they tell about the server: its names and comment, the share
 * list and the domain SID. Built once per server from its {@link SmbConfig}; shared by all event loops.
 */
public final class RpcServer {
    /** STYPE_DISKTREE and STYPE_IPC | STYPE_SPECIAL ([MS-SRVS] 2.2.2.4). */
    public static final int STYPE_DISKTREE = 0;
    public static final int STYPE_IPC_SPECIAL = 0x80000003;

    /** One share as srvsvc describes it; {@code path} in the DOS form Samba answers ("C:\srv\data"). */
    public record ShareEntry(String name, int type, String comment, String path) {
    }

    private final String netbiosName;
    private final String workgroup;
    private final String comment;
    private final List<ShareEntry> shares;
    private final Path sidFile;
    private final io.swrap.smb.smb2.auth.SmbPasswdFile passwd;
    private final AtomicInteger nextAssocGroup = new AtomicInteger(0x53F0);
    private Sid domainSid;

    public RpcServer(SmbConfig config) {
        this.netbiosName = config.netbiosName();
        this.workgroup = config.workgroup();
        this.comment = config.serverString();
        List<ShareEntry> list = new ArrayList<>();
        for (ShareConfig s : config.shares().values()) {
            if (!s.isIpc() && s.browseable()) {
                list.add(new ShareEntry(s.name(), STYPE_DISKTREE, s.comment(),
                        "C:" + s.path().toString().replace('/', '\\')));
            }
        }
        list.add(new ShareEntry("IPC$", STYPE_IPC_SPECIAL, "IPC Service (" + comment + ")", ""));
        this.shares = List.copyOf(list);
        this.passwd = new io.swrap.smb.smb2.auth.SmbPasswdFile(config.passwdFile());
        this.sidFile = config.passwdFile().resolveSibling(config.passwdFile().getFileName() + ".sid");
    }

    public String netbiosName() {
        return netbiosName;
    }

    public String workgroup() {
        return workgroup;
    }

    /** The server comment ({@code server string}). */
    public String comment() {
        return comment;
    }

    /** The browseable disk shares in smb.conf order, then IPC$ (as Samba lists them). */
    public List<ShareEntry> shares() {
        return shares;
    }

    /**
     * The server's domain SID, S-1-5-21-x-y-z: read from {@code <smb passwd file>.sid}, or made from 96 random
     * bits and written there on first use, so that it stays the same across restarts (as Samba's secrets.tdb).
     */
    public synchronized Sid domainSid() throws IOException {
        if (domainSid == null) {
            if (Files.exists(sidFile)) {
                try {
                    domainSid = Sid.parse(Files.readString(sidFile, StandardCharsets.US_ASCII));
                } catch (IllegalArgumentException e) {
                    throw new IOException(sidFile + ": " + e.getMessage() + " (remove the file to make a new SID)");
                }
            } else {
                SecureRandom r = new SecureRandom();
                Sid sid = new Sid(5, new long[] {21, r.nextInt() & 0xFFFFFFFFL, r.nextInt() & 0xFFFFFFFFL,
                        r.nextInt() & 0xFFFFFFFFL});
                Path tmp = sidFile.resolveSibling(sidFile.getFileName() + ".tmp");
                Files.writeString(tmp, sid + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, sidFile, StandardCopyOption.ATOMIC_MOVE);
                domainSid = sid;
            }
        }
        return domainSid;
    }

    /**
     * The accounts of the smbpasswd file (name as written → uid), read anew on each call so that users added
     * while the server runs are found, as at logon.
     */
    public java.util.Map<String, Integer> users() throws IOException {
        return passwd.uids();
    }

    /**
     * The RID of the account with {@code uid}: Samba's algorithmic mapping for passdb backends without stored
     * RIDs (smbpasswd), 2 * uid + 1000 ({@code algorithmic rid base} 1000; odd RIDs are its groups').
     */
    public static long rid(int uid) {
        return 2L * Integer.toUnsignedLong(uid) + 1000;
    }

    /**
     * Opens the pipe {@code requested} (case-insensitive, with or without a leading {@code \PIPE\} or {@code PIPE\}).
     *
     * @param log the connection's rate-limited log, for the pipe's refused PDUs and faulted calls
     * @return null for a name no service listens on
     */
    public Pipe open(String requested, java.util.function.Consumer<java.util.function.Supplier<String>> log) {
        String n = requested.toLowerCase(Locale.ROOT);
        // "\PIPE\srvsvc" as SMB1 clients name it, "PIPE\srvsvc" once a client drops the leading backslash SMB2
        // forbids, or plain "srvsvc"
        if (n.startsWith("\\pipe\\")) {
            n = n.substring(6);
        } else if (n.startsWith("pipe\\")) {
            n = n.substring(5);
        }
        RpcService service = switch (n) {
            case "srvsvc" -> new Srvsvc(this);
            case "wkssvc" -> new Wkssvc(this);
            case "lsarpc" -> new Lsarpc(this);
            default -> null;
        };
        return service == null ? null
                : new Pipe(n, n.equals("lsarpc") ? "lsass" : n, service, nextAssocGroup.getAndIncrement(), log);
    }
}
