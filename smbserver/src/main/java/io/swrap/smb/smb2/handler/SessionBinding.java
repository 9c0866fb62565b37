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
import io.swrap.smb.state.SessionGlobal;
import io.swrap.smb.smb2.crypto.Smb2Signer;
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
            throw SessionSetupHandler.refused("bind to session 0x" + Long.toHexString(s.id()), e);
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

    /**
     * The checks of 3.3.5.5 step 4, in the order Samba and Windows apply them (smbtorture's
     * smb2.session.bind_negative_* expect each status): the session is looked up in GlobalSessionTable, so a
     * bind naming another ClientGuid's session is judged on its signing algorithm, dialect and cipher first,
     * and only then refused as "not found". Answers the session to bind to.
     */
    private static Session check(RequestContext rc) throws Smb2Exception {
        Connection conn = rc.conn;
        long sid = rc.request.sessionId();
        Session s = conn.client() == null ? null : conn.client().session(sid);
        if (s != null && s.deleted()) {
            rc.session = s;
            rc.unboundSession = conn.session(sid) != s;
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "bind to session 0x" + Long.toHexString(sid)
                    + ", which ended when its re-authentication failed");
        }
        if (s != null && !s.valid()) {
            rc.session = s;
            throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "bind to session 0x" + Long.toHexString(sid)
                    + ", whose authentication is still in progress");
        }
        SessionGlobal g = s != null ? s.global() : conn.server().globalSession(sid);
        if (s != null) {
            rc.session = s; // errors from here on are signed with the session's key, as Samba's are
            rc.unboundSession = conn.session(sid) != s;
        } else if (g != null && !rc.request.encrypted()) {
            rc.foreignSigner = g.signer(); // as Samba: the client verifies the error with Session.SigningKey
        }
        if (g == null) {
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "no session 0x" + Long.toHexString(sid));
        }
        // 3.1.1 signing algorithms: a GMAC session binds only GMAC channels, and a GMAC channel only GMAC sessions
        int connAlgorithm = conn.signingAlgorithm();
        if (g.signingAlgorithm() == Smb2Signer.AES_GMAC && connAlgorithm != Smb2Signer.AES_GMAC) {
            throw new Smb2Exception(NtStatus.REQUEST_OUT_OF_SEQUENCE, "bind with signing algorithm " + connAlgorithm
                    + " to session 0x" + Long.toHexString(sid) + ", which signs with AES-GMAC");
        }
        if (connAlgorithm == Smb2Signer.AES_GMAC && g.signingAlgorithm() != Smb2Signer.AES_GMAC) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "bind with AES-GMAC to session 0x" + Long.toHexString(sid)
                    + ", which signs with algorithm " + g.signingAlgorithm());
        }
        if (!Smb2Dialect.isSmb3(conn.dialect()) || (conn.serverCapabilities() & Connection.CAP_MULTI_CHANNEL) == 0) {
            // step 4 applies only to 3.x with IsMultiChannelCapable; Samba refuses the flag otherwise
            throw new Smb2Exception(NtStatus.REQUEST_NOT_ACCEPTED, "binding on a " + Smb2Dialect.name(conn.dialect())
                    + " connection without SMB2_GLOBAL_CAP_MULTI_CHANNEL");
        }
        if (!rc.request.header().isSigned()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "unsigned bind to session 0x" + Long.toHexString(sid));
        }
        if (g.dialect() != conn.dialect()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "bind on dialect " + Smb2Dialect.name(conn.dialect())
                    + " to a session of dialect " + Smb2Dialect.name(g.dialect()));
        }
        if (conn.cipherId() != g.cipherId()) {
            // encryption keys are the session's, so a channel cannot use another cipher (Samba and Windows answer
            // INVALID_PARAMETER: smbtorture's smb2.session.bind_negative_smb3encGtoC*)
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "bind with cipher " + conn.cipherId()
                    + " to a session whose connection uses cipher " + g.cipherId());
        }
        if (s == null) {
            // a session of another ClientGuid "MAY" be refused as not found (3.3.5.5), and is: a client's
            // sessions and channels live on its own event loop (README, "Multichannel")
            throw new Smb2Exception(NtStatus.USER_SESSION_DELETED, "session 0x" + Long.toHexString(sid)
                    + " belongs to another ClientGuid than " + (conn.client() == null ? "(none)" : conn.client().guid()));
        }
        if (s.user().isEmpty()) {
            // "If Session.IsAnonymous or Session.IsGuest is TRUE ... STATUS_NOT_SUPPORTED"; a session becomes
            // anonymous only by re-authentication (new anonymous logons are refused, there is no guest account)
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "bind to session 0x" + Long.toHexString(sid)
                    + ", which re-authenticated as anonymous");
        }
        // A different non-GMAC signing algorithm is accepted: the channel signs with its own connection's
        // (smbtorture's smb2.session.bind_negative_smb3sign{CtoH,HtoC}s expect success, as Windows and Samba answer).
        return s;
    }
}
