package io.swrap.smb.smb2.handler;

import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.smb2.auth.AuthException;
import io.swrap.smb.smb2.auth.SpnegoServer;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2SessionSetupRequest;
import io.swrap.smb.smb2.codec.Smb2SessionSetupResponse;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Session;
import io.swrap.smb.state.SessionChannel;
import io.swrap.smb.vfs.FileTimes;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * SESSION_SETUP with SMB2_SESSION_FLAG_BINDING: [MS-SMB2] 3.3.5.5 step 4, 3.3.5.5.2 and 3.3.5.5.3. The
 * connection becomes a channel of an existing session of the same ClientGuid after the same user
 * authenticated again over it; the channel gets its own signing key. The request's signature with
 * Session.SigningKey was checked by {@link Smb2SignatureVerifier}; encryption keys stay the session's.
 */
final class SessionBinding {
    /** Channels per session, the first included: Windows Server's limit, which smbtorture checks. */
    static final int MAX_CHANNELS = 32;
    private static final Logger LOG = Logger.getLogger(SessionBinding.class.getName());

    private SessionBinding() {
    }

    static Reply handle(RequestContext rc, Smb2SessionSetupRequest req) throws Smb2Exception, IOException {
        Connection conn = rc.conn;
        Session s = check(rc);
        SessionChannel ch = s.channel(conn);
        if (ch == null) {
            if (s.channelCount() >= MAX_CHANNELS) {
                throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, "session 0x" + Long.toHexString(s.id())
                        + " has " + s.channelCount() + " channels (expected: at most " + MAX_CHANNELS + ")");
            }
            SmbConfig cfg = conn.server().config();
            ch = s.addChannel(conn, new SpnegoServer(conn.server().users(), cfg.netbiosName(), cfg.workgroup()));
        } else if (ch.auth() == null) {
            // 3.3.5.5: "a Channel ... whose Connection matches" already exists: the bind is not accepted
            throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "connection " + conn.channel().remoteAddress()
                    + " is already a channel of session 0x" + Long.toHexString(s.id()));
        }
        SessionChannel channel = ch;
        boolean preauth = conn.dialect() == Smb2Dialect.SMB3_11;
        if (preauth) {
            // 3.3.5.5: a 3.1.1 bind has its own PreauthSession, seeded from this connection's NEGOTIATE hash
            channel.hashPreauth(rc.request.content());
        }
        SpnegoServer.Step step;
        try {
            step = channel.auth().accept(req.securityBuffer(), FileTimes.now());
        } catch (AuthException e) {
            s.removeChannel(conn);
            throw new Smb2Exception(NtStatus.LOGON_FAILURE, "bind to session 0x" + Long.toHexString(s.id())
                    + " refused: " + e.getMessage(), e);
        }
        if (!step.complete()) {
            if (preauth) {
                rc.onEncoded = channel::hashPreauth;
            }
            return new Reply(NtStatus.MORE_PROCESSING_REQUIRED, new Smb2SessionSetupResponse(0, step.outputToken()));
        }
        if (!step.user().equalsIgnoreCase(s.user())) {
            // 3.3.5.5.2: the bind must authenticate the session's user
            s.removeChannel(conn);
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "bind to session 0x" + Long.toHexString(s.id())
                    + " of " + s.user() + " authenticated " + step.user());
        }
        channel.establish(step.sessionKey());
        conn.addSession(s);
        LOG.fine(() -> "session 0x" + Long.toHexString(s.id()) + " bound to " + conn.channel().remoteAddress()
                + ", " + s.channelCount() + " channels");
        return Reply.ok(new Smb2SessionSetupResponse(0, step.outputToken()));
    }

    /** The checks of 3.3.5.5 step 4, in the spec's order; answers the session to bind to. */
    private static Session check(RequestContext rc) throws Smb2Exception {
        Connection conn = rc.conn;
        long sid = rc.request.sessionId();
        if (!Smb2Dialect.isSmb3(conn.dialect()) || (conn.serverCapabilities() & Connection.CAP_MULTI_CHANNEL) == 0) {
            // step 4 applies only to 3.x with IsMultiChannelCapable; Samba refuses the flag otherwise
            throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "binding on a " + Smb2Dialect.name(conn.dialect())
                    + " connection without SMB2_GLOBAL_CAP_MULTI_CHANNEL");
        }
        Session s = conn.client() == null ? null : conn.client().session(sid);
        if (s == null) {
            // "look up the session in GlobalSessionTable ... If the session is not found ... STATUS_USER_SESSION_DELETED";
            // a session of another ClientGuid "MAY" be refused likewise, and is: it is not in this client's table
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "no session 0x" + Long.toHexString(sid)
                    + " for ClientGuid " + (conn.client() == null ? "(none)" : conn.client().guid()));
        }
        rc.session = s; // errors from here on are signed with the session's key, as Samba's are
        rc.unboundSession = conn.session(sid) != s;
        Connection first = s.connection();
        if (first.dialect() != conn.dialect()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "bind on dialect " + Smb2Dialect.name(conn.dialect())
                    + " to a session of dialect " + Smb2Dialect.name(first.dialect()));
        }
        if (!rc.request.header().isSigned()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "unsigned bind to session 0x" + Long.toHexString(sid));
        }
        if (!s.valid()) {
            throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "bind to session 0x" + Long.toHexString(sid)
                    + ", whose authentication is still in progress");
        }
        // "If Session.IsAnonymous or Session.IsGuest is TRUE ... STATUS_NOT_SUPPORTED": NtlmServer refuses
        // anonymous logons and there is no guest account, so no session here is either.
        if (conn.cipherId() != first.cipherId()) {
            // encryption keys are the session's, so a channel cannot use another cipher (Samba and Windows answer
            // INVALID_PARAMETER: smbtorture's smb2.session.bind_negative_smb3encGtoC*)
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "bind with cipher " + conn.cipherId()
                    + " to a session whose connection uses cipher " + first.cipherId());
        }
        // A different signing algorithm is accepted: the channel signs with its own connection's
        // (smbtorture's smb2.session.bind_negative_smb3sign* expect success, as Windows and Samba answer).
        return s;
    }
}
