package io.swrap.smb.state;

import io.swrap.smb.config.ShareConfig;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.vfs.FileTimes;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.filestate.ByteRangeLocks;
import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.ShareModes;
import io.swrap.smb.filestate.ShmRecords;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** [MS-SMB2] 3.3.1.5 Global server state: ServerGuid, ServerStartTime, the share list and id sources. */
public final class ServerState {
    private final SmbConfig config;
    private final SmbPasswdFile users;
    private final byte[] serverGuid;
    private final long startTime = FileTimes.now();
    private final Map<String, Share> shares = new LinkedHashMap<>();
    private final Messenger messenger = new Messenger();
    private final FileStore files;
    private final io.swrap.smb.vfs.ChangeNotify changeNotify = new io.swrap.smb.vfs.ChangeNotify();
    /** Every open of a file (not pipes) by its OwnerId, for delivering to an owner what the store decided. */
    private final java.util.concurrent.ConcurrentHashMap<OwnerId, Open> opens =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Client> clients =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ReplayCache replayCache = new ReplayCache();
    private final DurableOpens durableOpens = new DurableOpens();
    /** GlobalSessionTable (3.3.1.5): every established session of this process, for binds from any connection. */
    private final java.util.concurrent.ConcurrentHashMap<Long, SessionGlobal> sessions =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The other workers' sessions in a prefork server (and this one's, for them); null in one process. */
    private final SharedSessions sharedSessions;
    private final FileIds fileIds;
    private final io.swrap.smb.transport.Admission admission;
    private final io.swrap.smb.rpc.RpcServer rpc;
    private final io.swrap.smb.io.IoPool ioPool;

    /** @throws IOException if a share's path is not a directory */
    public ServerState(SmbConfig config) throws IOException {
        this(config, null);
    }

    /**
     * @param sharedFileState the file-state table of a prefork server's workers ({@link ShmRecords}), or null for
     *                        this process's own store
     * @throws IOException if a share's path is not a directory, or the table cannot be mapped
     */
    public ServerState(SmbConfig config, java.nio.file.Path sharedFileState) throws IOException {
        this(config, sharedFileState, FileIds.single());
    }

    /**
     * @param sharedFileState as {@link #ServerState(SmbConfig, java.nio.file.Path)}
     * @param fileIds         where FileIds come from: a prefork worker's own ({@link FileIds#worker})
     * @throws IOException if a share's path is not a directory, or the table cannot be mapped
     */
    public ServerState(SmbConfig config, java.nio.file.Path sharedFileState, FileIds fileIds) throws IOException {
        this(config, sharedFileState, fileIds, randomGuid(), null);
    }

    /**
     * A worker of a prefork server.
     *
     * @param sharedFileState as {@link #ServerState(SmbConfig, java.nio.file.Path)}
     * @param fileIds         the worker's own ({@link FileIds#worker})
     * @param serverGuid      ServerGuid, the master's: one server to every client whichever worker it reaches
     * @param sharedSessions  the workers' GlobalSessionTable, or null
     * @throws IOException if a share's path is not a directory, or the table cannot be mapped
     */
    public ServerState(SmbConfig config, java.nio.file.Path sharedFileState, FileIds fileIds, byte[] serverGuid,
            SharedSessions sharedSessions) throws IOException {
        if (serverGuid.length != 16) {
            throw new IllegalArgumentException("ServerGuid: " + serverGuid.length + " bytes (expected: 16)");
        }
        this.serverGuid = serverGuid.clone();
        this.sharedSessions = sharedSessions;
        this.config = config;
        this.fileIds = fileIds;
        this.users = new SmbPasswdFile(config.passwdFile());
        this.admission = new io.swrap.smb.transport.Admission(config.limits());
        this.files = sharedFileState == null ? new FileStore(messenger, config.oplocking().leases())
                : new FileStore(ShmRecords.open(sharedFileState), messenger, config.oplocking().leases());
        this.rpc = new io.swrap.smb.rpc.RpcServer(config);
        this.ioPool = new io.swrap.smb.io.IoPool(config.io().threads(), config.io().maxQueued());
        for (ShareConfig s : config.shares().values()) {
            shares.put(s.name().toLowerCase(Locale.ROOT), new Share(s));
        }
    }

    /** A new ServerGuid (a random UUID's bytes). */
    public static byte[] randomGuid() {
        byte[] guid = new byte[16];
        UUID g = UUID.randomUUID();
        for (int i = 0; i < 8; i++) {
            guid[i] = (byte) (g.getMostSignificantBits() >>> (8 * i));
            guid[8 + i] = (byte) (g.getLeastSignificantBits() >>> (8 * i));
        }
        return guid;
    }

    public SmbConfig config() {
        return config;
    }

    /** The threads that run blocking file operations off the event loops. */
    public io.swrap.smb.io.IoPool io() {
        return ioPool;
    }

    /** The server-wide counts behind the connection limits. */
    public io.swrap.smb.transport.Admission admission() {
        return admission;
    }

    /** The DCE/RPC services of IPC$'s named pipes. */
    public io.swrap.smb.rpc.RpcServer rpc() {
        return rpc;
    }

    public SmbPasswdFile users() {
        return users;
    }

    public byte[] serverGuid() {
        return serverGuid.clone();
    }

    public long startTime() {
        return startTime;
    }

    /** The share named {@code name} (case-insensitive), or null. */
    public Share share(String name) {
        return shares.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * ClientGuid (hex) → {@link Client}: the one table shared by all event loops; each client in it is
     * otherwise touched only from its own loop.
     */
    java.util.concurrent.ConcurrentHashMap<String, Client> clients() {
        return clients;
    }

    /** The connections of ClientGuid {@code guid} (hex), or null; touch it only from its {@link Client#loop()}. */
    public Client client(String guid) {
        return clients.get(guid);
    }

    /** The per-file state: share modes, byte-range locks, oplocks and leases, one record per file. */
    public FileStore files() {
        return files;
    }

    /** Messages to the event loop that owns a waiting request. */
    public Messenger messenger() {
        return messenger;
    }

    public io.swrap.smb.oplock.Oplocks oplocks() {
        return files.oplocks();
    }

    /** The open {@code owner} names, while it is open (connected or kept as a disconnected durable open); or null. */
    public Open open(OwnerId owner) {
        return opens.get(owner);
    }

    /** Every open of a file of this process, connected or kept for a reconnect (a live view). */
    public java.util.Collection<Open> opens() {
        return java.util.Collections.unmodifiableCollection(opens.values());
    }

    void opened(Open o) {
        opens.put(o.owner(), o);
    }

    void closed(Open o) {
        opens.remove(o.owner(), o);
    }

    /** The CREATEs with a CreateGuid that clients may replay. */
    public ReplayCache replayCache() {
        return replayCache;
    }

    /** The durable opens kept after their session lost its last channel. */
    public DurableOpens durableOpens() {
        return durableOpens;
    }

    public ShareModes shareModes() {
        return files.shareModes();
    }

    public io.swrap.smb.vfs.ChangeNotify changeNotify() {
        return changeNotify;
    }

    public ByteRangeLocks locks() {
        return files.locks();
    }

    /** A new SessionId: unique in this process and, in a prefork server, among its workers ({@link FileIds}). */
    public long newSessionId() {
        return fileIds.nextSessionId();
    }

    /**
     * The established session {@code id} of any client of this process, or, in a prefork server, of another
     * worker ({@link SessionGlobal#foreign()}); null when none has it.
     */
    public SessionGlobal globalSession(long id) {
        SessionGlobal g = sessions.get(id);
        return g != null || sharedSessions == null ? g : sharedSessions.get(id);
    }

    /** The established session {@code id} of a client of this process, or null. */
    public SessionGlobal localSession(long id) {
        return sessions.get(id);
    }

    void register(SessionGlobal g) {
        sessions.put(g.id(), g);
        if (sharedSessions != null) {
            sharedSessions.put(g);
        }
    }

    void deregister(SessionGlobal g) {
        if (sessions.remove(g.id(), g) && sharedSessions != null) {
            sharedSessions.remove(g.id());
        }
    }

    /** A new FileId: unique in this process and, in a prefork server, among its workers ({@link FileIds}). */
    public long newFileId() {
        return fileIds.next();
    }
}
