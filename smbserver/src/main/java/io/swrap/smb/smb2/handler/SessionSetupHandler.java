package io.swrap.smb.smb2.handler;

import io.swrap.smb.config.EncryptSetting;
import io.swrap.smb.config.SigningSetting;
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
import io.swrap.smb.vfs.FileTimes;
import io.swrap.smb.config.ConnectionLimits;
import io.swrap.smb.transport.Admission;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * [MS-SMB2] 3.3.5.5 Receiving an SMB2 SESSION_SETUP Request: SPNEGO/NTLMSSP rounds, the 3.1.1
 * preauth hash over each request and each MORE_PROCESSING_REQUIRED response (3.3.5.5.3), then key
 * derivation, Session.SigningRequired and Session.EncryptData. Binding (multichannel) is
 * {@link SessionBinding}'s.
 */
final class SessionSetupHandler implements Smb2CommandHandler {
    private static final Logger LOG = Logger.getLogger(SessionSetupHandler.class.getName());

    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Connection conn = rc.conn;
        SmbConfig cfg = conn.server().config();
        Smb2SessionSetupRequest req = Smb2SessionSetupRequest.decode(rc.request);
        long sid = rc.request.sessionId();
        if ((req.flags() & Smb2SessionSetupRequest.FLAG_BINDING) != 0 && sid != 0) {
            // 3.3.5.5: step 3 (SessionId 0: a new authentication) comes before step 4 (binding)
            return SessionBinding.handle(rc, req);
        }
        Session s;
        if (sid == 0) {
            s = newSession(conn, cfg);
        } else {
            s = conn.session(sid);
            if (s == null) {
                throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "SessionId 0x" + Long.toHexString(sid)
                        + " is unknown");
            }
            if (s.valid()) {
                rc.session = s;
                return reauthenticate(rc, s, req, cfg);
            }
            if (s.deleted()) {
                rc.session = s;
                throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "session 0x" + Long.toHexString(sid)
                        + " ended when its re-authentication failed");
            }
        }
        rc.session = s;
        boolean preauth = conn.dialect() == Smb2Dialect.SMB3_11;
        if (preauth) {
            s.hashPreauth(rc.request.content());
        }
        SpnegoServer.Step step;
        try {
            step = s.auth().accept(req.securityBuffer(), FileTimes.now());
        } catch (AuthException e) {
            s.close();
            throw refused("logon", e);
        }
        if (!step.complete()) {
            if (preauth) {
                rc.onEncoded = s::hashPreauth;
            }
            return new Reply(NtStatus.MORE_PROCESSING_REQUIRED, new Smb2SessionSetupResponse(0, step.outputToken()));
        }
        int flags = 0;
        EncryptSetting enc = cfg.encrypt();
        boolean encrypt = false;
        if (enc != EncryptSetting.OFF && conn.cipherId() != 0) {
            encrypt = true;
            flags |= Smb2SessionSetupResponse.SESSION_FLAG_ENCRYPT_DATA;
        } else if (enc == EncryptSetting.REQUIRED) {
            s.close();
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "smb encrypt = required, but the client negotiated "
                    + Smb2Dialect.name(conn.dialect()) + " without a cipher");
        }
        s.protection(encrypt, !encrypt && (cfg.signing() == SigningSetting.MANDATORY
                || (req.securityMode() & io.swrap.smb.state.Connection.SECURITY_SIGNING_REQUIRED) != 0));
        s.establish(step.user(), step.sessionKey());
        LOG.fine(() -> "session 0x" + Long.toHexString(s.id()) + " for " + step.user() + " on "
                + Smb2Dialect.name(conn.dialect()));
        return PreviousSessions.close(conn, s, req.previousSessionId(),
                Reply.ok(new Smb2SessionSetupResponse(flags, step.outputToken())));
    }

    /**
     * Re-authentication of a valid session ([MS-SMB2] 3.3.5.5.3, the client's 3.2.4.2.3.1): a new exchange on
     * the session's own connection; the session keeps its keys and stays usable meanwhile, and acts for the
     * user authenticated at the end, or for nobody if that is anonymous (its handles stay usable, new opens
     * are refused). A failed exchange ends the session with its opens, as the spec requires
     * for an authentication error (Samba and Windows alike: smb2.session.reauth6).
     */
    private static Reply reauthenticate(RequestContext rc, Session s, Smb2SessionSetupRequest req, SmbConfig cfg)
            throws Smb2Exception, IOException {
        Connection conn = rc.conn;
        if (s.channel(conn) == null) {
            // a session of another connection of this client: it must be bound here first
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "session 0x" + Long.toHexString(s.id())
                    + " has no channel on " + conn.channel().remoteAddress());
        }
        SpnegoServer exchange = s.reauth() != null ? s.reauth()
                : s.beginReauth(new SpnegoServer(conn.server().users(), cfg.netbiosName(), cfg.workgroup())
                        .allowAnonymous());
        SpnegoServer.Step step;
        try {
            step = exchange.accept(req.securityBuffer(), FileTimes.now());
        } catch (AuthException e) {
            s.endAfterFailedReauth();
            throw refused("re-authentication of session 0x" + Long.toHexString(s.id()), e);
        }
        if (!step.complete()) {
            return new Reply(NtStatus.MORE_PROCESSING_REQUIRED, new Smb2SessionSetupResponse(0, step.outputToken()));
        }
        String before = s.user();
        s.reauthenticated(step.user());
        LOG.fine(() -> "session 0x" + Long.toHexString(s.id()) + " of " + before + " re-authenticated as "
                + step.user());
        return Reply.ok(new Smb2SessionSetupResponse(s.encryptData()
                ? Smb2SessionSetupResponse.SESSION_FLAG_ENCRYPT_DATA : 0, step.outputToken()));
    }

    /**
     * The status of a refused authentication: INVALID_PARAMETER for a message that does not parse (as Samba
     * answers, smb2.session.ntlmssp_bug14932), else LOGON_FAILURE.
     */
    static Smb2Exception refused(String what, AuthException e) {
        return new Smb2Exception(e.malformed() ? NtStatus.INVALID_PARAMETER : NtStatus.LOGON_FAILURE,
                what + " refused: " + e.getMessage(), e);
    }

    /**
     * A session that starts to authenticate, within {@code smbserver:max sessions per connection} and
     * {@code smbserver:max pending sessions} (beyond: STATUS_INSUFFICIENT_RESOURCES, as Samba answers when
     * its session table is full), dropped if its SESSION_SETUP exchange is not done within
     * {@code smbserver:pre-auth timeout}.
     */
    private static Session newSession(Connection conn, SmbConfig cfg) throws Smb2Exception {
        ConnectionLimits limits = cfg.limits();
        if (conn.sessionCount() >= limits.maxSessionsPerConnection()) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, "the connection has " + conn.sessionCount()
                    + " sessions (smbserver:max sessions per connection = " + limits.maxSessionsPerConnection() + ")");
        }
        Admission admission = conn.server().admission();
        if (!admission.tryBeginAuth()) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, limits.maxPendingSessions()
                    + " sessions are authenticating (smbserver:max pending sessions)");
        }
        Session s = new Session(conn.server().newSessionId(), conn,
                new SpnegoServer(conn.server().users(), cfg.netbiosName(), cfg.workgroup()));
        conn.addSession(s);
        ScheduledFuture<?> expiry = conn.channel().eventLoop().schedule(() -> expire(conn, s),
                limits.preauthTimeout().toMillis(), TimeUnit.MILLISECONDS);
        s.onAuthDone(() -> {
            admission.endAuth();
            expiry.cancel(false);
        });
        return s;
    }

    private static void expire(Connection conn, Session s) {
        if (!conn.channel().eventLoop().inEventLoop()) {
            conn.channel().eventLoop().execute(() -> expire(conn, s)); // the connection moved loops
            return;
        }
        if (!s.valid() && conn.session(s.id()) == s) {
            LOG.info("dropping session 0x" + Long.toHexString(s.id()) + " of " + conn.channel().remoteAddress()
                    + ": its SESSION_SETUP did not complete within smbserver:pre-auth timeout");
            s.close();
        }
    }
}
