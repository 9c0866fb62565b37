package io.swrap.smb.state;

import io.swrap.smb.smb2.crypto.Smb2Signer;

/**
 * What GlobalSessionTable ([MS-SMB2] 3.3.1.5) tells about an established session to a connection of any
 * client, on any event loop: enough to verify and sign a SESSION_SETUP naming it and to judge a bind by
 * Samba's and Windows' rules (3.3.5.5 step 4). Immutable; the session itself stays on its client's loop.
 *
 * @param dialect Session.Connection.Dialect of its first connection
 * @param cipherId the first connection's cipher (0: none)
 * @param signingAlgorithm the first connection's signing algorithm ({@link Smb2Signer} ids)
 * @param signingKey Session.SigningKey
 * @param user whom the session acts for (a logon naming it as PreviousSessionId must be the same user)
 * @param session the session itself: to be touched only on its own connection's event loop
 */
public record SessionGlobal(long id, int dialect, int cipherId, int signingAlgorithm, byte[] signingKey, String user,
                            Session session) {
    public SessionGlobal {
        signingKey = signingKey.clone();
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    /** A new signer with Session.SigningKey (signers are not thread-safe: one per use). */
    public Smb2Signer signer() {
        return Smb2Signer.create(signingAlgorithm, signingKey);
    }
}
