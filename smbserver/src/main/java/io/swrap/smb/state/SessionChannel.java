package io.swrap.smb.state;

import io.swrap.smb.smb2.auth.SpnegoServer;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import java.util.Arrays;

/**
 * [MS-SMB2] 3.3.1.16 Per Channel: one connection bound to a session, with Channel.SigningKey. The
 * session's first connection is its first channel and signs with Session.SigningKey; a channel added by
 * a binding SESSION_SETUP (3.3.5.5.2) runs its own authentication and gets its own key (3.3.5.5.3).
 */
public final class SessionChannel {
    private final Connection connection;
    private SpnegoServer auth;
    private Smb2Signer signer;
    /** PreauthSession.PreauthIntegrityHashValue of a 3.1.1 bind, seeded from this connection's NEGOTIATE hash. */
    private byte[] preauthHash;

    SessionChannel(Connection connection, SpnegoServer auth) {
        this.connection = connection;
        this.auth = auth;
        this.preauthHash = connection.preauthHash();
    }

    /** Adds a SESSION_SETUP request or response of a 3.1.1 bind to the channel's PreauthIntegrityHashValue. */
    public void hashPreauth(io.netty.buffer.ByteBuf message) {
        preauthHash = io.swrap.smb.smb2.crypto.PreauthIntegrity.update(preauthHash, message);
    }

    public Connection connection() {
        return connection;
    }

    /** The bind's authentication in progress, or null once the channel has its key. */
    public SpnegoServer auth() {
        return auth;
    }

    /** Channel.SigningKey's signer; null while the bind is in progress. */
    public Smb2Signer signer() {
        return signer;
    }

    void signer(Smb2Signer s) {
        this.signer = s;
        this.auth = null;
    }

    /**
     * 3.3.5.5.3: "Channel.SigningKey" of a bound channel, from the session key of the bind's own
     * authentication: 3.0/3.0.2 KDF(key, "SMB2AESCMAC", "SmbSign"); 3.1.1 KDF(key, "SMBSigningKey",
     * PreauthSession.PreauthIntegrityHashValue) with the connection's signing algorithm.
     */
    public void establish(byte[] sessionKey) {
        byte[] key = Arrays.copyOf(sessionKey, 16);
        signer(connection.dialect() < Smb2Dialect.SMB3_11
                ? Smb2Signer.create(Smb2Signer.AES_CMAC, Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_SIGN,
                        Smb2Kdf.CONTEXT_30_SIGN, 128))
                : Smb2Signer.create(connection.signingAlgorithm(), Smb2Kdf.derive(key, Smb2Kdf.LABEL_311_SIGN,
                        preauthHash, 128)));
    }
}
