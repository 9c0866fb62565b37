package io.swrap.smb.state;

import io.swrap.smb.smb2.auth.SpnegoServer;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * [MS-SMB2] 3.3.1.8 Per Session: authentication state, keys derived per 3.3.5.5.3, the tree connect
 * and open tables, and Session.ChannelList: the session lives while any of its channels does
 * (3.3.7.1), and dies with the last one or a LOGOFF on any.
 */
public final class Session {
    private final long id;
    private final Connection connection;
    private final Map<Integer, TreeConnect> trees = new HashMap<>();
    private final Map<Long, Open> opens = new HashMap<>();
    /** Session.ChannelList in creation order, the session's first connection first. */
    private final Map<Connection, SessionChannel> channels = new LinkedHashMap<>();
    private int nextTreeId = 1;
    private SpnegoServer auth;
    /** Gives back the server's count of authenticating sessions, once: at establish or close. */
    private Runnable authDone;
    private boolean valid;
    private String user;
    /** Whom the session acts for in access checks, made at its first CREATE (see handler.SecurityAccess). */
    private volatile io.swrap.smb.security.Token token;
    private Smb2Signer signer;
    private Smb2TransformCipher cipher;
    /** Session.PreauthIntegrityHashValue (3.1.1), seeded from the connection's. */
    private byte[] preauthHash;
    private boolean signingRequired;
    private boolean encryptData;
    private SessionGlobal global;
    private SpnegoServer reauth;
    private boolean deleted;

    public Session(long id, Connection connection, SpnegoServer auth) {
        this.id = id;
        this.connection = connection;
        this.auth = auth;
        this.preauthHash = connection.preauthHash();
        channels.put(connection, new SessionChannel(connection, null));
        if (connection.client() != null) {
            connection.client().addSession(this);
        }
    }

    /** Whom the session acts for, or null before its first CREATE. */
    public io.swrap.smb.security.Token token() {
        return token;
    }

    /** Set once the session's user is known to the access checks (read by the I/O pool, hence volatile). */
    public void token(io.swrap.smb.security.Token t) {
        token = t;
    }

    /** Adds a SESSION_SETUP request or response of a 3.1.1 logon to Session.PreauthIntegrityHashValue. */
    public void hashPreauth(io.netty.buffer.ByteBuf message) {
        preauthHash = io.swrap.smb.smb2.crypto.PreauthIntegrity.update(preauthHash, message);
    }

    /** Session.SigningRequired: unsigned requests are refused. */
    public boolean signingRequired() {
        return signingRequired;
    }

    /** Session.EncryptData: requests must come encrypted, responses go encrypted. */
    public boolean encryptData() {
        return encryptData;
    }

    /** How the logon that establishes the session protects it (set once, at its last SESSION_SETUP). */
    public void protection(boolean encrypt, boolean signingRequiredFlag) {
        this.encryptData = encrypt;
        this.signingRequired = signingRequiredFlag;
    }

    public long id() {
        return id;
    }

    public Connection connection() {
        return connection;
    }

    /** {@code done} runs once, when the session's authentication ends (established, failed or dropped). */
    public void onAuthDone(Runnable done) {
        this.authDone = done;
    }

    private void authEnded() {
        Runnable r = authDone;
        authDone = null;
        if (r != null) {
            r.run();
        }
    }

    public int openCount() {
        return opens.size();
    }

    /** The SPNEGO exchange in progress, or null once the session is valid. */
    public SpnegoServer auth() {
        return auth;
    }

    public boolean valid() {
        return valid;
    }

    public String user() {
        return user;
    }

    /** Session.SigningKey's signer (null until established): what a binding request is signed with. */
    public Smb2Signer signer() {
        return signer;
    }

    /**
     * The signer of requests and responses on {@code conn}: its Channel.SigningKey ([MS-SMB2] 3.3.5.2.4,
     * 3.3.4.1.1), or Session.SigningKey while a bind on {@code conn} is in progress (as Samba does).
     */
    public Smb2Signer signer(Connection conn) {
        SessionChannel c = channels.get(conn);
        return c != null && c.signer() != null ? c.signer() : signer;
    }

    /** The channel on {@code conn}, or null. */
    public SessionChannel channel(Connection conn) {
        return channels.get(conn);
    }

    /** The connections of the channels that completed their bind (the first one included), in creation order. */
    public java.util.List<Connection> boundConnections() {
        return channels.values().stream().filter(c -> c.signer() != null || c.connection() == connection)
                .map(SessionChannel::connection).toList();
    }

    public int channelCount() {
        return channels.size();
    }

    /** Starts a bind of {@code conn} ([MS-SMB2] 3.3.5.5.2): a channel without a key yet. */
    public SessionChannel addChannel(Connection conn, SpnegoServer bindAuth) {
        SessionChannel c = new SessionChannel(conn, bindAuth);
        channels.put(conn, c);
        return c;
    }

    /**
     * Forgets the channel on {@code conn} (its transport went away, or its bind failed); the session is
     * closed with its last channel.
     */
    public void removeChannel(Connection conn) {
        channels.remove(conn);
        conn.removeSession(id);
        if (channels.isEmpty()) {
            close(true);
        }
    }

    public Smb2TransformCipher cipher() {
        return cipher;
    }

    /**
     * Derives Session.SigningKey, EncryptionKey and DecryptionKey from the authentication's session key
     * ([MS-SMB2] 3.3.5.5.3) and marks the session valid. The 3.1.1 keys use the preauth hash as it is
     * now: after the last SESSION_SETUP request, before its response.
     */
    public void establish(String userName, byte[] sessionKey) {
        Connection c = connection;
        byte[] key = Arrays.copyOf(sessionKey, 16);
        int dialect = c.dialect();
        byte[] signingKey;
        int algorithm;
        if (!Smb2Dialect.isSmb3(dialect)) {
            algorithm = Smb2Signer.HMAC_SHA256;
            signingKey = key;
        } else if (dialect < Smb2Dialect.SMB3_11) {
            algorithm = Smb2Signer.AES_CMAC;
            signingKey = Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_SIGN, Smb2Kdf.CONTEXT_30_SIGN, 128);
            if (c.cipherId() != 0) {
                cipher = new Smb2TransformCipher(c.cipherId(),
                        Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_CIPHER, Smb2Kdf.CONTEXT_30_SERVER_OUT, 128),
                        Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_CIPHER, Smb2Kdf.CONTEXT_30_SERVER_IN, 128));
            }
        } else {
            algorithm = c.signingAlgorithm();
            signingKey = Smb2Kdf.derive(key, Smb2Kdf.LABEL_311_SIGN, preauthHash, 128);
            if (c.cipherId() != 0) {
                int bits = Smb2TransformCipher.keyBits(c.cipherId());
                // "If Connection.CipherId is AES-256-*, ... the full session key" is the KDF input.
                byte[] ki = bits == 256 ? sessionKey : key;
                cipher = new Smb2TransformCipher(c.cipherId(),
                        Smb2Kdf.derive(ki, Smb2Kdf.LABEL_311_S2C, preauthHash, bits),
                        Smb2Kdf.derive(ki, Smb2Kdf.LABEL_311_C2S, preauthHash, bits));
            }
        }
        signer = Smb2Signer.create(algorithm, signingKey);
        this.user = userName;
        this.valid = true;
        this.auth = null;
        authEnded();
        channels.get(c).signer(signer); // 3.3.5.5.3: the first channel signs with Session.SigningKey
        global = new SessionGlobal(id, dialect, c.cipherId(), algorithm, signingKey, userName, this);
        c.server().register(global);
    }

    /** The session as GlobalSessionTable shows it to any connection; null until established. */
    public SessionGlobal global() {
        return global;
    }

    /** The re-authentication of this valid session in progress ([MS-SMB2] 3.3.5.5.3), or null. */
    public SpnegoServer reauth() {
        return reauth;
    }

    /** Starts a re-authentication: a new exchange, while the session stays usable with its keys. */
    public SpnegoServer beginReauth(SpnegoServer exchange) {
        reauth = exchange;
        return exchange;
    }

    /**
     * A re-authentication completed: the session now acts for {@code userName}, its keys unchanged (as Samba
     * and Windows keep them); access tokens are made again at the next CREATE.
     */
    public void reauthenticated(String userName) {
        reauth = null;
        if (!userName.equalsIgnoreCase(user)) {
            token = null;
            SessionGlobal g = global;
            global = new SessionGlobal(id, g.dialect(), g.cipherId(), g.signingAlgorithm(), g.signingKey(), userName,
                    this);
            connection.server().deregister(g);
            connection.server().register(global);
        }
        user = userName;
    }

    /**
     * An open stays durable only while it holds a batch oplock or a lease with H (as Samba decides at
     * disconnect): one broken below that could not be broken again, and would block others for its timeout.
     * Nor while a break of it awaits an acknowledgment: nobody is left to give it, and the open waiting for it
     * goes on at once, as when a break reaches an already disconnected durable open.
     */
    private boolean stillDurable(Open o) {
        io.swrap.smb.oplock.Oplocks oplocks = connection.server().oplocks();
        io.swrap.smb.oplock.Granted g = oplocks.held(o.owner());
        return g != null && g.allowsDurability() && !oplocks.breakPending(o.owner());
    }

    public TreeConnect tree(int treeId) {
        return trees.get(treeId);
    }

    public TreeConnect addTree(io.swrap.smb.vfs.Share share, boolean encrypt) {
        TreeConnect t = new TreeConnect(nextTreeId++, this, share, encrypt);
        trees.put(t.id(), t);
        return t;
    }

    /** Closes the tree's opens and forgets it. */
    public void removeTree(TreeConnect t) {
        for (Open o : new ArrayList<>(opens.values())) {
            if (o.tree() == t) {
                closeOpen(o);
            }
        }
        trees.remove(t.id());
    }

    public Open open(long volatileId) {
        return opens.get(volatileId);
    }

    /**
     * Refuses a new open once the session holds {@code max} ({@code max open files}) as Samba does when its
     * file table is full: STATUS_TOO_MANY_OPENED_FILES.
     */
    public void checkOpenLimit(int max) throws io.swrap.smb.smb2.codec.Smb2Exception {
        if (opens.size() >= max) {
            throw new io.swrap.smb.smb2.codec.Smb2Exception(io.swrap.smb.smb2.codec.NtStatus.TOO_MANY_OPENED_FILES,
                    "session 0x" + Long.toHexString(id) + " already has " + opens.size() + " open handles (max open files = "
                    + max + "): close some first");
        }
    }

    public void addOpen(Open o) {
        opens.put(o.volatileId(), o);
        connection.server().opened(o);
    }

    /** Removes and closes {@code o}; {@link Open#close} runs every step of its cleanup even when one fails. */
    public void closeOpen(Open o) {
        opens.remove(o.volatileId());
        o.close();
    }

    /** A failed authentication: every open of the session is closed, durable or not. */
    public void close() {
        close(false);
    }

    /**
     * LOGOFF ([MS-SMB2] 3.3.5.6): the session ends, and its durable opens are kept for a reconnect as when
     * its last channel goes (3.3.7.1), as Windows and Samba do (smb2.durable-open.reopen4 logs off, sets up a
     * new session on the same connection and reconnects the open); the others are closed.
     */
    public void logoff() {
        close(true);
    }

    /**
     * A re-authentication failed ([MS-SMB2] 3.3.5.5.3: the session is removed, its opens closed). The session
     * keeps its id and keys in its connections' tables until they close, as Samba does, so that their
     * requests naming it get USER_SESSION_DELETED signed with its key (a client that signs refuses the
     * answer otherwise); it never becomes valid again.
     */
    public void endAfterFailedReauth() {
        for (Open o : new ArrayList<>(opens.values())) {
            closeOpen(o);
        }
        trees.clear();
        valid = false;
        deleted = true;
        reauth = null;
        token = null;
        if (global != null) {
            connection.server().deregister(global);
            global = null;
        }
    }

    /** Ended by a failed re-authentication: every request naming it gets USER_SESSION_DELETED. */
    public boolean deleted() {
        return deleted;
    }

    /**
     * A new logon named this one as its PreviousSessionId ([MS-SMB2] 3.3.5.5.3): it ends as if its
     * transport had gone (durable opens are kept for a reconnect), and the requests waiting on its opens
     * are answered (CHANGE_NOTIFY with STATUS_NOTIFY_CLEANUP).
     */
    public void closeAsPrevious() {
        close(true);
    }

    /** @param keepDurable the last channel went away or a LOGOFF: durable opens are kept for a reconnect */
    private void close(boolean keepDurable) {
        authEnded();
        for (Open o : new ArrayList<>(opens.values())) {
            if (keepDurable && o.isDurable() && stillDurable(o)) {
                opens.remove(o.volatileId());
                o.disconnect();
                connection.server().durableOpens().keep(o, connection.channel().eventLoop());
            } else {
                closeOpen(o);
            }
        }
        trees.clear();
        valid = false;
        reauth = null;
        if (global != null) {
            connection.server().deregister(global);
            global = null;
        }
        for (Connection c : channels.keySet()) {
            c.removeSession(id);
        }
        channels.clear();
        if (connection.client() != null) {
            connection.client().removeSession(this);
        }
    }
}
