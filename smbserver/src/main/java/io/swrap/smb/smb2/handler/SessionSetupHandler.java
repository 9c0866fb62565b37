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
 * {@link SessionBinding}'s; re-authentication is not implemented yet and gets STATUS_REQUEST_NOT_ACCEPTED.
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
                throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "re-authentication of session 0x"
                        + Long.toHexString(sid) + " is not implemented");
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
            throw new Smb2Exception(NtStatus.LOGON_FAILURE, "logon refused: " + e.getMessage(), e);
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
        closePrevious(conn, s, req.previousSessionId());
        LOG.fine(() -> "session 0x" + Long.toHexString(s.id()) + " for " + step.user() + " on "
                + Smb2Dialect.name(conn.dialect()));
        return Reply.ok(new Smb2SessionSetupResponse(flags, step.outputToken()));
    }

    /**
     * [MS-SMB2] 3.3.5.5.3: a logon that names a PreviousSessionId of the same user ends that session (the
     * client lost it, e.g. by a reconnect); looked up on this connection and among its client's sessions.
     */
    private static void closePrevious(Connection conn, Session s, long previousId) {
        if (previousId == 0 || previousId == s.id()) {
            return;
        }
        Session prev = conn.session(previousId);
        if (prev == null && conn.client() != null) {
            prev = conn.client().session(previousId);
        }
        if (prev != null && prev.valid() && java.util.Objects.equals(prev.user(), s.user())) {
            LOG.info("session 0x" + Long.toHexString(previousId) + " ends: session 0x" + Long.toHexString(s.id())
                    + " of the same user names it as its PreviousSessionId");
            prev.closeAsPrevious();
        }
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
