package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import io.swrap.smb.smb2.codec.Smb2Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * [MS-SMB2] 3.2.1.3 Per Session: an authenticated user, its keys (3.2.5.3.1), whether its requests are
 * signed or encrypted, and Session.ChannelList: the connection it was set up on plus the channels bound to it
 * ({@link #bindChannels(int)}, 3.2.4.1.7). Requests go to the live channel with the fewest outstanding
 * requests; a request whose channel dies is replayed on another one with SMB2_FLAGS_REPLAY_OPERATION and a
 * new ChannelSequence (3.2.7.1), so the session lives as long as one channel does. Created by
 * {@link SmbClient#connect}; {@link #close()} logs off and closes every connection.
 */
public final class Session implements AutoCloseable {
    /** 2.2.6 SessionFlags. */
    private static final int SESSION_FLAG_IS_GUEST = 0x0001;
    private static final int SESSION_FLAG_IS_NULL = 0x0002;
    private static final int SESSION_FLAG_ENCRYPT_DATA = 0x0004;
    /** 2.2.5: SecurityBuffer follows the 24-byte fixed part. */
    private static final int SETUP_BUFFER_OFFSET = 64 + 24;

    /** [MS-ERREF] 2.3 STATUS_FILE_NOT_AVAILABLE: a request with a stale ChannelSequence (3.3.5.2.10). */
    private static final int STATUS_FILE_NOT_AVAILABLE = 0xC0000467;
    /** After this many STATUS_FILE_NOT_AVAILABLE answers in a row a request is given up (see {@link #await}). */
    private static final int MAX_NOT_AVAILABLE_REPLAYS = 3;

    /** The connection the session was set up on; its config and NEGOTIATE results are every channel's. */
    final Connection connection;
    private long id;
    /** Session.SigningKey: the first channel's key, and the key that signs binds (3.2.4.1.1). */
    private byte[] signingKey;
    private Smb2TransformCipher cipher;
    private boolean signingRequired;
    private boolean encryptData;
    /** Session.PreauthIntegrityHashValue (3.1.1). */
    private byte[] preauthHash;
    /** The live channels, in binding order. */
    private final List<SessionChannel> channels = new CopyOnWriteArrayList<>();
    /** Every channel's keys by connection, lost ones included: a late response is still verified. */
    private final Map<Connection, SessionChannel> keys = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannelIndex = new AtomicInteger();
    /** Session.ChannelSequence (3.2.4.1): sent in every 3.x request, incremented when a channel is lost. */
    private final AtomicInteger channelSequence = new AtomicInteger();
    private final AtomicLong replays = new AtomicLong();
    private final List<String> lostChannels = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean loggedOff;
    /** Oplock breaks not yet taken by {@link #awaitOplockBreak}; beyond MAX_BREAKS the newest are refused. */
    private final BlockingQueue<OplockBreak> breaks = new ArrayBlockingQueue<>(MAX_BREAKS);
    private static final int MAX_BREAKS = 64;
    /** Lease breaks not yet taken by {@link #awaitLeaseBreak}, bounded as {@link #breaks}. */
    private final BlockingQueue<LeaseBreak> leaseBreaks = new ArrayBlockingQueue<>(MAX_BREAKS);

    private Session(Connection connection) {
        this.connection = connection;
    }

    /** 3.2.4.2.3 and 3.2.5.3: SPNEGO/NTLMSSP over SESSION_SETUP rounds, then keys per 3.2.5.3.1. */
    static Session setup(Connection c) throws IOException {
        ClientConfig cfg = c.config;
        Session s = new Session(c);
        boolean preauth = c.dialect() == Smb2Dialect.SMB3_11;
        s.preauthHash = preauth ? c.preauthHash.clone() : null;
        SpnegoClient spnego = new SpnegoClient(new NtlmClient(cfg.user(), cfg.password(), cfg.domain()));
        Response r = c.call(s.setupRequest(spnego.initialToken()))
                .expect("SESSION_SETUP for " + cfg.user(), NtStatus.MORE_PROCESSING_REQUIRED);
        s.id = r.header().sessionId();
        c.sessions.put(s.id, s);
        if (preauth) {
            s.preauthHash = PreauthIntegrity.update(s.preauthHash, r.message());
        }
        r = c.call(s.setupRequest(spnego.responseToken(securityBuffer(r))));
        if (r.status() != NtStatus.SUCCESS) {
            c.sessions.remove(s.id);
            throw new SmbStatusException(r.status(), "SESSION_SETUP for " + cfg.user() + "@" + cfg.domain());
        }
        int flags = r.message().getUnsignedShortLE(r.body(2));
        if ((flags & (SESSION_FLAG_IS_GUEST | SESSION_FLAG_IS_NULL)) != 0) {
            throw new IOException("server logged " + cfg.user() + " on as guest or anonymous (SessionFlags 0x"
                    + Integer.toHexString(flags) + "); this client wants an authenticated session");
        }
        s.deriveKeys(spnego.sessionKey());
        SessionChannel first = s.keys.get(c);
        // 3.2.5.3.1: the final response is signed with the new key (3.1.1 always; earlier when signing).
        if (r.header().isSigned() ? !first.verifier.verify(r.message()) : preauth) {
            throw new IOException("final SESSION_SETUP response from " + c.server + (r.header().isSigned()
                    ? " has a bad signature" : " is not signed, as 3.1.1 requires") + ": wrong session key");
        }
        spnego.complete(securityBuffer(r));
        s.encryptData = (flags & SESSION_FLAG_ENCRYPT_DATA) != 0;
        if ((s.encryptData || cfg.encrypt()) && s.cipher == null) {
            throw new IOException("encryption is " + (cfg.encrypt() ? "asked for" : "required by the server")
                    + " but " + Smb2Dialect.name(c.dialect()) + " with " + c.server + " negotiated no cipher");
        }
        s.encryptData |= cfg.encrypt();
        s.signingRequired = cfg.sign() || c.negotiated.signingRequired();
        s.channels.add(first);
        return s;
    }

    private Request setupRequest(byte[] token) {
        Request req = setupRequest(token, 0);
        if (preauthHash != null) {
            req.onEncoded(m -> preauthHash = PreauthIntegrity.update(preauthHash, m));
        }
        return req;
    }

    /** SESSION_SETUP (2.2.5) with {@code flags} (SMB2_SESSION_FLAG_BINDING or 0) and {@code token}. */
    Request setupRequest(byte[] token, int flags) {
        Request req = new Request(Smb2Command.SESSION_SETUP).session(this);
        ByteBuf b = req.body;
        b.writeShortLE(25); // StructureSize
        b.writeByte(flags);
        b.writeByte(connection.config.sign() ? Negotiate.SIGNING_REQUIRED : Negotiate.SIGNING_ENABLED);
        b.writeIntLE(0); // Capabilities: DFS not supported
        b.writeIntLE(0); // Channel
        b.writeShortLE(SETUP_BUFFER_OFFSET);
        b.writeShortLE(token.length);
        b.writeLongLE(0); // PreviousSessionId
        b.writeBytes(token);
        return req;
    }

    static byte[] securityBuffer(Response r) {
        ByteBuf m = r.message();
        return r.bytesAt(m.getUnsignedShortLE(r.body(4)), m.getUnsignedShortLE(r.body(6)));
    }

    /** 3.2.5.3.1: Session.SigningKey, EncryptionKey and DecryptionKey from the GSS session key. */
    private void deriveKeys(byte[] sessionKey) {
        Negotiate.Result n = connection.negotiated;
        byte[] key = Arrays.copyOf(sessionKey, 16);
        byte[] signingKey;
        if (!Smb2Dialect.isSmb3(n.dialect())) {
            signingKey = key;
        } else if (n.dialect() < Smb2Dialect.SMB3_11) {
            signingKey = Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_SIGN, Smb2Kdf.CONTEXT_30_SIGN, 128);
            if (n.cipherId() != 0) {
                cipher = new Smb2TransformCipher(n.cipherId(),
                        Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_CIPHER, Smb2Kdf.CONTEXT_30_SERVER_IN, 128),
                        Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_CIPHER, Smb2Kdf.CONTEXT_30_SERVER_OUT, 128));
            }
        } else {
            signingKey = Smb2Kdf.derive(key, Smb2Kdf.LABEL_311_SIGN, preauthHash, 128);
            if (n.cipherId() != 0) {
                int bits = Smb2TransformCipher.keyBits(n.cipherId());
                // 3.2.5.3.1: AES-256 ciphers take the full session key as the KDF input.
                byte[] ki = bits == 256 ? sessionKey : key;
                cipher = new Smb2TransformCipher(n.cipherId(),
                        Smb2Kdf.derive(ki, Smb2Kdf.LABEL_311_C2S, preauthHash, bits),
                        Smb2Kdf.derive(ki, Smb2Kdf.LABEL_311_S2C, preauthHash, bits));
            }
        }
        this.signingKey = signingKey;
        addChannel(connection, signingKey, false);
    }

    /**
     * Registers {@code c} as a channel signing with {@code channelKey} (two signer instances: they are not
     * thread-safe); {@code live} puts it into the rotation at once.
     */
    SessionChannel addChannel(Connection c, byte[] channelKey, boolean live) {
        int alg = c.negotiated.signingAlgorithm();
        SessionChannel ch = new SessionChannel(nextChannelIndex.getAndIncrement(), c, Smb2Signer.create(alg, channelKey),
                Smb2Signer.create(alg, channelKey));
        keys.put(c, ch);
        c.sessions.put(id, this);
        if (live) {
            channels.add(ch);
        }
        return ch;
    }

    byte[] signingKey() {
        return signingKey;
    }

    /** Marks {@code req} for this session and protects it: encrypted (3.2.4.1.8) or else signed (3.2.4.1.1). */
    Request protect(Request req, boolean treeEncrypt) {
        req.session(this);
        req.encrypt = encryptData || treeEncrypt;
        req.sign = !req.encrypt && signingRequired;
        return req;
    }

    long id() {
        return id;
    }

    /** The signer of requests on {@code c}, null before the keys exist there. */
    Smb2Signer signer(Connection c) {
        SessionChannel ch = keys.get(c);
        return ch == null ? null : ch.signer;
    }

    /** The verifier of responses on {@code c}, null before the keys exist there. */
    Smb2Signer verifier(Connection c) {
        SessionChannel ch = keys.get(c);
        return ch == null ? null : ch.verifier;
    }

    int channelSequence() {
        return channelSequence.get();
    }

    Smb2TransformCipher cipher() {
        return cipher;
    }

    boolean signingRequired() {
        return signingRequired;
    }

    /** The negotiated dialect, e.g. {@code 0x0311}. */
    public int dialect() {
        return connection.dialect();
    }

    /** True when every request of this session is encrypted. */
    public boolean encrypted() {
        return encryptData;
    }

    /** True when requests are signed (and not encrypted). */
    public boolean signed() {
        return !encryptData && signingRequired;
    }

    /** Largest single READ and WRITE: the config's maxIo within the server's MaxReadSize/MaxWriteSize. */
    int maxRead() {
        return Math.min(connection.config.maxIo(), connection.negotiated.maxReadSize());
    }

    int maxWrite() {
        return Math.min(connection.config.maxIo(), connection.negotiated.maxWriteSize());
    }

    /** 3.2.4.2.4 TREE_CONNECT to {@code \\server\share}. */
    public Tree treeConnect(String share) throws IOException {
        return treeConnect(share, true);
    }

    /**
     * @param sign311 false only to test a server: breaks the 3.2.4.1.1 rule that a 3.1.1 TREE_CONNECT is
     *     signed, which a server must answer by disconnecting (3.3.5.7)
     */
    Tree treeConnect(String share, boolean sign311) throws IOException {
        String path = "\\\\" + connection.server.getAddress().getHostAddress() + "\\" + share;
        byte[] name = path.getBytes(StandardCharsets.UTF_16LE);
        Request req = protect(new Request(Smb2Command.TREE_CONNECT), false);
        // 3.2.4.1.1: with 3.1.1 a TREE_CONNECT is signed even when the session does not require signing.
        req.sign |= sign311 && !req.encrypt && dialect() == Smb2Dialect.SMB3_11;
        ByteBuf b = req.body;
        b.writeShortLE(9); // StructureSize
        b.writeShortLE(0); // Flags/Reserved
        b.writeShortLE(64 + 8); // PathOffset
        b.writeShortLE(name.length);
        b.writeBytes(name);
        Response r = call(req).ok("TREE_CONNECT " + path);
        Tree tree = new Tree(this, r.header().treeId(), share, r.message().getIntLE(r.body(4)));
        if (dialect() == Smb2Dialect.SMB3_00 || dialect() == Smb2Dialect.SMB3_02) {
            tree.validateNegotiate();
        }
        return tree;
    }

    /** ECHO (2.2.28): a round trip that proves a channel and the session work. */
    public void echo() throws IOException {
        Request req = protect(new Request(Smb2Command.ECHO), false);
        req.body.writeShortLE(4).writeShortLE(0); // StructureSize, Reserved
        call(req).ok("ECHO");
    }

    /** LOGOFF (2.2.7): ends the session on all its channels; the connections stay open. */
    public void logoff() throws IOException {
        Request req = protect(new Request(Smb2Command.LOGOFF), false);
        req.body.writeShortLE(4).writeShortLE(0);
        call(req).ok("LOGOFF");
        loggedOff = true;
        keys.keySet().forEach(c -> c.sessions.remove(id));
    }

    /** Logs off (if not done yet and a channel is left) and closes every connection. */
    @Override
    public void close() throws IOException {
        try {
            if (!loggedOff && !channels.isEmpty()) {
                logoff();
            }
        } finally {
            keys.keySet().forEach(Connection::close);
        }
    }

    // ---- multichannel ----

    /**
     * Binds channels until the session has {@code total} (3.2.4.1.7): asks the server for its interfaces
     * (FSCTL_QUERY_NETWORK_INTERFACE_INFO on IPC$) and opens each further connection, with this session's
     * ClientGuid, dialect and cipher, to the next advertised address after the current ones, round robin,
     * on the port of the first connection. Needs 3.x and SMB2_GLOBAL_CAP_MULTI_CHANNEL; throws naming the
     * address whose bind failed (the channels bound before it stay).
     *
     * @return the live channels afterwards
     */
    public List<ChannelInfo> bindChannels(int total) throws IOException {
        ChannelBinder.bind(this, total);
        return channels();
    }

    /** The live channels, in binding order. */
    public List<ChannelInfo> channels() {
        return channels.stream().map(SessionChannel::info).toList();
    }

    /**
     * Closes the TCP connection of live channel {@code index} abruptly from this side, as a failing network
     * path would; requests in flight on it are replayed on the others. Waits (up to the config's timeout)
     * until a request is in flight on it, so that a transfer running in another thread certainly loses some.
     */
    public void killChannel(int index) throws IOException, InterruptedException {
        SessionChannel ch = channels.stream().filter(c -> c.index == index).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no live channel " + index + " (live: " + channels() + ")"));
        long deadline = System.nanoTime() + connection.config.timeout().toNanos();
        while (ch.connection.outstandingCount() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no request went out on " + ch + " within " + connection.config.timeout());
            }
            Thread.sleep(1);
        }
        ch.connection.abort();
    }

    /** Requests sent again on another channel because theirs was lost (or answered FILE_NOT_AVAILABLE). */
    public long replays() {
        return replays.get();
    }

    /**
     * The next oplock break notification for this session's opens (opens that asked for an oplock, see
     * {@link Tree#create(String, int, int, int, int, int)}), or null when none came within {@code wait}. The
     * caller answers it (CLOSE, or an acknowledgment) as the server waits for that.
     */
    public OplockBreak awaitOplockBreak(java.time.Duration wait) throws InterruptedException {
        return breaks.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The next lease break notification (2.2.23.2) of this session's leases, waiting up to {@code wait}; null if none
     * came. Answer one that requires it with {@link Tree#acknowledgeLease} (or by closing the lease's opens).
     */
    public LeaseBreak awaitLeaseBreak(java.time.Duration wait) throws InterruptedException {
        return leaseBreaks.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    void leaseBreak(LeaseBreak b) {
        if (!leaseBreaks.offer(b)) {
            System.err.println("smbclient: lease break " + b + " dropped: " + MAX_BREAKS
                    + " breaks not taken by awaitLeaseBreak; answer breaks as they come");
        }
    }

    void oplockBreak(OplockBreak b) {
        if (!breaks.offer(b)) {
            System.err.println("smbclient: oplock break " + b + " dropped: " + MAX_BREAKS
                    + " breaks not taken by awaitOplockBreak; answer breaks as they come");
        }
    }

    /** One line per channel lost: which, and why. */
    public List<String> lostChannels() {
        synchronized (lostChannels) {
            return List.copyOf(lostChannels);
        }
    }

    int liveChannelCount() {
        return channels.size();
    }

    /** A request on its way, and the channel it went out on. */
    record Pending(Request request, SessionChannel channel, CompletableFuture<Response> response) {
    }

    /** Sends on the live channel with the fewest requests in flight; a dead one is dropped and the next tried. */
    Pending submit(Request req) throws IOException {
        while (true) {
            SessionChannel ch = channels.stream().filter(c -> c.connection.alive())
                    .min(Comparator.comparingInt(c -> c.connection.outstandingCount())).orElse(null);
            if (ch == null) {
                channels.forEach(c -> lose(c, new IOException("found dead when choosing a channel")));
                throw new IOException("session 0x" + Long.toHexString(id) + " has no channel left: "
                        + lostChannels() + "; reconnect with a new session");
            }
            try {
                return new Pending(req, ch, ch.connection.send(req));
            } catch (ConnectionLostException e) {
                lose(ch, e);
            }
        }
    }

    /**
     * The final response of {@code p}. When its channel is lost first (closed, or no response within the
     * client's timeout while another channel is live), the request is replayed on another
     * live channel (3.2.7.1) with SMB2_FLAGS_REPLAY_OPERATION (3.x) and the incremented ChannelSequence;
     * READ and WRITE at an offset, and the other requests of this client, give the same result when done
     * twice. STATUS_FILE_NOT_AVAILABLE on a multichannel 3.x session is replayed likewise, as [MS-SMB2] 3.2.5 asks for IOCTL and SET_INFO:
     * the server saw a newer ChannelSequence meanwhile.
     */
    Response await(Pending p, String what) throws IOException {
        int notAvailable = 0;
        while (true) {
            Response r;
            try {
                r = p.channel.connection.await(p.response, what);
            } catch (ConnectionLostException e) {
                lose(p.channel, e);
                p = submit(replay(p.request));
                continue;
            } catch (IOException e) {
                // A channel that stops answering (its path blackholed, its interface down) is lost like a
                // closed one while another channel is left; closing it fails its other requests at once.
                if (!(e.getCause() instanceof TimeoutException) || channels.size() < 2 || !channels.contains(p.channel)) {
                    throw e;
                }
                lose(p.channel, e);
                p = submit(replay(p.request));
                continue;
            }
            if (r.status() == STATUS_FILE_NOT_AVAILABLE && Smb2Dialect.isSmb3(dialect()) && keys.size() > 1
                    && notAvailable++ < MAX_NOT_AVAILABLE_REPLAYS) {
                p = submit(replay(p.request));
                continue;
            }
            return r;
        }
    }

    /** Sends and waits for the final response, on whichever channel survives. */
    Response call(Request req) throws IOException {
        return await(submit(req), Smb2Command.name(req.command));
    }

    private Request replay(Request req) {
        if (Smb2Dialect.isSmb3(dialect())) {
            req.flags |= Smb2Header.FLAGS_REPLAY_OPERATION; // 2.2.1.2: "the command is a replay operation"
        }
        replays.incrementAndGet();
        return req;
    }

    /** Takes a dead channel out of the rotation, once; the next requests carry a new ChannelSequence. */
    private void lose(SessionChannel ch, IOException cause) {
        if (channels.remove(ch)) {
            channelSequence.incrementAndGet();
            lostChannels.add(ch + " (local " + ch.connection.localAddress() + "): " + cause.getMessage());
            ch.connection.close();
        }
    }

    @Override
    public String toString() {
        return "Session[0x" + Long.toHexString(id) + " " + Smb2Dialect.name(dialect()) + " on " + connection.server
                + (channels.size() > 1 ? " and " + (channels.size() - 1) + " more channels" : "")
                + (encryptData ? ", encrypted" : signingRequired ? ", signed" : "") + "]";
    }
}
