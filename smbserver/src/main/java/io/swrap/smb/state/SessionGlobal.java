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
 * @param session the session itself: to be touched only on its own connection's event loop; null for a session
 *                of another worker process of a prefork server ({@link SharedSessions})
 * @param ownerPid the pid of the process that holds the session (where a request to end it goes)
 */
public record SessionGlobal(long id, int dialect, int cipherId, int signingAlgorithm, byte[] signingKey, String user,
                            Session session, long ownerPid) {
    public SessionGlobal {
        signingKey = signingKey.clone();
    }

    /** A session of this process. */
    public SessionGlobal(long id, int dialect, int cipherId, int signingAlgorithm, byte[] signingKey, String user,
            Session session) {
        this(id, dialect, cipherId, signingAlgorithm, signingKey, user, session,
                io.swrap.smb.filestate.OwnerId.SELF_PID);
    }

    /** Whether the session lives in another worker process (its {@link #session()} is null). */
    public boolean foreign() {
        return session == null;
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
