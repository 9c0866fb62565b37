package io.swrap.smb.state;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * [MS-SMB2] 3.3.1.7 Per Transport Connection: the negotiated dialect and algorithms, the client's
 * NEGOTIATE parameters (kept for FSCTL_VALIDATE_NEGOTIATE_INFO), credits and Connection.SessionTable
 * (the sessions it created and those bound to it). Touched only from the connection's event loop, which
 * from NEGOTIATE on is its {@link Client}'s.
 */
public final class Connection {
    public static final int CAP_DFS = 0x01;
    public static final int CAP_LEASING = 0x02;
    public static final int CAP_LARGE_MTU = 0x04;
    public static final int CAP_MULTI_CHANNEL = 0x08;
    public static final int CAP_ENCRYPTION = 0x40;
    public static final int SECURITY_SIGNING_ENABLED = 0x01;
    public static final int SECURITY_SIGNING_REQUIRED = 0x02;

    private final ServerState server;
    private final Channel channel;
    private final CreditWindow credits = new CreditWindow();
    private final io.swrap.smb.transport.AckTracker ack = new io.swrap.smb.transport.AckTracker();
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<Long, AsyncRequest> asyncRequests = new HashMap<>();
    private long nextAsyncId = 1;
    private Client client;
    private final PeerLog peerLog;
    private boolean terminated;

    /** 0 until NEGOTIATE completes; 0x02FF after an SMB1 negotiate answered with the wildcard. */
    private int dialect;
    private int clientCapabilities;
    private int clientSecurityMode;
    private byte[] clientGuid = new byte[16];
    private int[] clientDialects = new int[0];
    private int serverCapabilities;
    private int serverSecurityMode;
    /** Connection.CipherId: 0 when no encryption was negotiated. */
    private int cipherId;
    /** Connection.SigningAlgorithmId (3.1.1), AES-CMAC by default for 3.x. */
    private int signingAlgorithm;
    private byte[] preauthHash = new byte[PreauthIntegrity.HASH_SIZE];
    private int maxTransactSize;
    /** Zero bytes between a READ response's body and its data: 8 after smbtorture's FSCTL asks for it, else 0. */
    private int readResponsePadding;
    private int maxReadSize;
    private int maxWriteSize;
    private final CompoundChain compound = new CompoundChain();

    public Connection(ServerState server, Channel channel) {
        this.server = server;
        this.channel = channel;
        this.peerLog = new PeerLog(channel::remoteAddress);
    }

    /** Connection.Dialect: 0 until NEGOTIATE completes; 0x02FF after an SMB1 negotiate answered with the wildcard. */
    public int dialect() {
        return dialect;
    }

    public void dialect(int d) {
        dialect = d;
    }

    public int clientCapabilities() {
        return clientCapabilities;
    }

    public void clientCapabilities(int v) {
        clientCapabilities = v;
    }

    public int clientSecurityMode() {
        return clientSecurityMode;
    }

    public void clientSecurityMode(int v) {
        clientSecurityMode = v;
    }

    /** Connection.ClientGuid as the NEGOTIATE carried it (16 bytes). */
    public byte[] clientGuid() {
        return clientGuid.clone();
    }

    public void clientGuid(byte[] g) {
        clientGuid = g == null ? new byte[16] : g.clone();
    }

    public int[] clientDialects() {
        return clientDialects.clone();
    }

    public void clientDialects(int[] d) {
        clientDialects = d == null ? new int[0] : d.clone();
    }

    public int serverCapabilities() {
        return serverCapabilities;
    }

    public void serverCapabilities(int v) {
        serverCapabilities = v;
    }

    public int serverSecurityMode() {
        return serverSecurityMode;
    }

    public void serverSecurityMode(int v) {
        serverSecurityMode = v;
    }

    /** Connection.CipherId: 0 when no encryption was negotiated. */
    public int cipherId() {
        return cipherId;
    }

    public void cipherId(int v) {
        cipherId = v;
    }

    /** Connection.SigningAlgorithmId (3.1.1), AES-CMAC by default for 3.x. */
    public int signingAlgorithm() {
        return signingAlgorithm;
    }

    public void signingAlgorithm(int v) {
        signingAlgorithm = v;
    }

    /** Connection.PreauthIntegrityHashValue (3.1.1) after NEGOTIATE: the seed of its sessions' and binds' hashes. */
    public byte[] preauthHash() {
        return preauthHash.clone();
    }

    /** Adds the NEGOTIATE request or response of a 3.1.1 connection to its PreauthIntegrityHashValue. */
    public void hashPreauth(io.netty.buffer.ByteBuf message) {
        preauthHash = PreauthIntegrity.update(preauthHash, message);
    }

    public int maxTransactSize() {
        return maxTransactSize;
    }

    public void maxTransactSize(int v) {
        maxTransactSize = v;
    }

    public int maxReadSize() {
        return maxReadSize;
    }

    public void maxReadSize(int v) {
        maxReadSize = v;
    }

    public int maxWriteSize() {
        return maxWriteSize;
    }

    public void maxWriteSize(int v) {
        maxWriteSize = v;
    }

    /** The related compound chain of the requests being served. */
    public CompoundChain compound() {
        return compound;
    }

    /** The rate-limited log of what this connection's peer does wrong. */
    public PeerLog peerLog() {
        return peerLog;
    }

    /**
     * Ends the connection for a protocol violation that [MS-SMB2] answers by disconnecting (e.g. an invalid
     * MessageId, 3.3.5.2.3): requests already split from the same frame are dropped, not processed.
     */
    public void terminate() {
        terminated = true;
        channel.close();
    }

    public boolean terminated() {
        return terminated;
    }

    public ServerState server() {
        return server;
    }

    public Channel channel() {
        return channel;
    }

    /** The connections of this ClientGuid, once a 2.1+ NEGOTIATE joined it; null before and for 2.0.2. */
    public Client client() {
        return client;
    }

    /**
     * Joins the client of this connection's ClientGuid when it lives on the current event loop, else
     * answers the loop this connection must move to first (then call again from there). {@code guid} is
     * the hex ClientGuid.
     */
    public EventLoop joinClient(String guid) {
        while (true) {
            Client c = server.clients().computeIfAbsent(guid, g -> new Client(g, addressLoop()));
            if (!c.loop().inEventLoop()) {
                return c.loop();
            }
            if (c.add(this)) {
                client = c;
                return null;
            }
            // that client was closing on this very loop: it is gone from the table now; look again
        }
    }

    /**
     * The event loop of every client at this connection's address: requests a host sends on several connections
     * are then read in the order they arrive, as they would be by one process. Without it, a change made on a
     * second connection right after a CHANGE_NOTIFY sent on the first (without waiting for its interim
     * response) could be handled by the second connection's loop before the first loop, descheduled on a busy
     * machine, reads the CHANGE_NOTIFY: the change would precede the watch and the request would wait for ever
     * (smb2.notify.basedir). Different addresses still spread over the loops. Off with {@code smbserver:client
     * address affinity = no}: then the loop this connection was given.
     */
    private EventLoop addressLoop() {
        EventLoop own = channel.eventLoop();
        if (!server.config().addressAffinity()
                || !(channel.remoteAddress() instanceof java.net.InetSocketAddress a) || a.getAddress() == null
                || !(own.parent() instanceof io.netty.channel.EventLoopGroup group)) {
            return own;
        }
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((EventLoop) e));
        return loops.get(Math.floorMod(a.getAddress().hashCode(), loops.size()));
    }

    /** The pipeline's head, which knows how much of what was sent the client has taken in. */
    public io.swrap.smb.transport.AckTracker ack() {
        return ack;
    }

    public CreditWindow credits() {
        return credits;
    }

    public boolean negotiated() {
        return dialect != 0 && dialect != io.swrap.smb.smb2.codec.Smb2Dialect.SMB2_WILDCARD;
    }

    public Session session(long id) {
        return sessions.get(id);
    }

    public void addSession(Session s) {
        sessions.put(s.id(), s);
    }

    public void removeSession(long id) {
        sessions.remove(id);
    }

    /** Sessions of this connection, established or authenticating (Connection.SessionTable's size). */
    public int sessionCount() {
        return sessions.size();
    }

    /** Whether a session of this connection (its own or bound to it) completed its SESSION_SETUP. */
    public boolean hasValidSession() {
        for (Session s : sessions.values()) {
            if (s.valid()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a session of this connection has an open file: then the connection is never idle. */
    public boolean hasOpenFiles() {
        for (Session s : sessions.values()) {
            if (s.openCount() > 0) {
                return true;
            }
        }
        return false;
    }

    long newAsyncId() {
        return nextAsyncId++;
    }

    void addAsync(AsyncRequest a) {
        asyncRequests.put(a.asyncId(), a);
    }

    void removeAsync(long asyncId) {
        asyncRequests.remove(asyncId);
    }

    /** The pending request with {@code asyncId}, or (when asyncId is 0) with {@code messageId}; or null. */
    public AsyncRequest findAsync(long asyncId, long messageId) {
        if (asyncId != 0) {
            return asyncRequests.get(asyncId);
        }
        return asyncRequests.values().stream().filter(a -> a.messageId() == messageId).findFirst().orElse(null);
    }

    /** The decryption/encryption state of SessionId {@code id}, for the transform step. */
    public Smb2TransformCipher cipher(long id) {
        Session s = sessions.get(id);
        return s == null ? null : s.cipher();
    }

    /**
     * The transport went away ([MS-SMB2] 3.3.7.1): this connection's channel leaves every session of the
     * client (bound, or with a bind in progress); a session without channels left is closed with its opens.
     */
    public void closeAll() {
        for (Session s : new ArrayList<>(sessions.values())) {
            s.removeChannel(this);
        }
        sessions.clear();
        if (client != null) {
            for (Session s : client.sessionsWithChannel(this)) { // binds in progress
                s.removeChannel(this);
            }
            client.remove(this, server.clients());
        }
    }

    public int readResponsePadding() {
        return readResponsePadding;
    }

    /** smbtorture's FSCTL_SMBTORTURE_GLOBAL_READ_RESPONSE_BODY_PADDING8 asks for 8 from now on. */
    public void readResponsePadding(int bytes) {
        readResponsePadding = bytes;
    }
}
