package io.swrap.selftest.smbclient;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.crypto.PreauthIntegrity;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * [MS-SMB2] 3.2.1.3 Per Session: an authenticated user on a connection, its keys (3.2.5.3.1) and whether
 * its requests are signed or encrypted. Created by {@link SmbClient#connect}; {@link #close()} logs off
 * and closes the connection.
 */
public final class Session implements AutoCloseable {
    /** 2.2.6 SessionFlags. */
    private static final int SESSION_FLAG_IS_GUEST = 0x0001;
    private static final int SESSION_FLAG_IS_NULL = 0x0002;
    private static final int SESSION_FLAG_ENCRYPT_DATA = 0x0004;
    /** 2.2.5: SecurityBuffer follows the 24-byte fixed part. */
    private static final int SETUP_BUFFER_OFFSET = 64 + 24;

    final Connection connection;
    private long id;
    private Smb2Signer signer;
    private Smb2Signer verifier;
    private Smb2TransformCipher cipher;
    private boolean signingRequired;
    private boolean encryptData;
    /** Session.PreauthIntegrityHashValue (3.1.1). */
    private byte[] preauthHash;

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
        // 3.2.5.3.1: the final response is signed with the new key (3.1.1 always; earlier when signing).
        if (r.header().isSigned() ? !s.verifier.verify(r.message()) : preauth) {
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
        return s;
    }

    private Request setupRequest(byte[] token) {
        Request req = new Request(Smb2Command.SESSION_SETUP).session(this);
        ByteBuf b = req.body;
        b.writeShortLE(25); // StructureSize
        b.writeByte(0); // Flags: not a binding
        b.writeByte(connection.config.sign() ? Negotiate.SIGNING_REQUIRED : Negotiate.SIGNING_ENABLED);
        b.writeIntLE(0); // Capabilities: DFS not supported
        b.writeIntLE(0); // Channel
        b.writeShortLE(SETUP_BUFFER_OFFSET);
        b.writeShortLE(token.length);
        b.writeLongLE(0); // PreviousSessionId
        b.writeBytes(token);
        if (preauthHash != null) {
            req.onEncoded(m -> preauthHash = PreauthIntegrity.update(preauthHash, m));
        }
        return req;
    }

    private static byte[] securityBuffer(Response r) {
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
        // Two signer instances: sending signs under the connection's lock, receiving verifies on its event loop.
        signer = Smb2Signer.create(n.signingAlgorithm(), signingKey);
        verifier = Smb2Signer.create(n.signingAlgorithm(), signingKey);
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

    Smb2Signer signer() {
        return signer;
    }

    Smb2Signer verifier() {
        return verifier;
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
        Response r = connection.call(req).ok("TREE_CONNECT " + path);
        Tree tree = new Tree(this, r.header().treeId(), share, r.message().getIntLE(r.body(4)));
        if (dialect() == Smb2Dialect.SMB3_00 || dialect() == Smb2Dialect.SMB3_02) {
            tree.validateNegotiate();
        }
        return tree;
    }

    /** ECHO (2.2.28): a round trip that proves the connection and session work. */
    public void echo() throws IOException {
        Request req = protect(new Request(Smb2Command.ECHO), false);
        req.body.writeShortLE(4).writeShortLE(0); // StructureSize, Reserved
        connection.call(req).ok("ECHO");
    }

    /** LOGOFF (2.2.7): ends the session; the connection stays open. */
    public void logoff() throws IOException {
        Request req = protect(new Request(Smb2Command.LOGOFF), false);
        req.body.writeShortLE(4).writeShortLE(0);
        connection.call(req).ok("LOGOFF");
        connection.sessions.remove(id);
    }

    /** Logs off (if not done yet) and closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            if (connection.sessions.containsKey(id)) {
                logoff();
            }
        } finally {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "Session[0x" + Long.toHexString(id) + " " + Smb2Dialect.name(dialect()) + " on " + connection.server
                + (encryptData ? ", encrypted" : signingRequired ? ", signed" : "") + "]";
    }
}
