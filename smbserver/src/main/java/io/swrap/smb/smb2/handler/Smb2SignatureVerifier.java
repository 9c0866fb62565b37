package io.swrap.smb.smb2.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.codec.Smb2Request;
import io.swrap.smb.smb2.codec.Smb2SessionSetupRequest;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Session;
import io.swrap.smb.state.SessionGlobal;

/**
 * The verify-signature step ([MS-SMB2] 3.3.5.2.4): a signed request of a session with keys must carry a
 * valid signature, and a session with SigningRequired accepts only signed (or encrypted) requests.
 * Failures mark the request with STATUS_ACCESS_DENIED ("the server MUST fail the request"); the
 * dispatcher answers it.
 */
public final class Smb2SignatureVerifier extends ChannelInboundHandlerAdapter {
    private final Connection conn;

    public Smb2SignatureVerifier(Connection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Smb2Request req && req.decoderResult().isSuccess()) {
            check(req);
        }
        ctx.fireChannelRead(msg);
    }

    /** SESSION_SETUP with SMB2_SESSION_FLAG_BINDING ([MS-SMB2] 2.2.5 Flags, the body's third byte). */
    private static boolean isBind(Smb2Request req) {
        int flags = Smb2Header.SIZE + 2;
        return req.command() == Smb2Command.SESSION_SETUP && req.content().readableBytes() > flags
                && (req.content().getUnsignedByte(req.content().readerIndex() + flags)
                        & Smb2SessionSetupRequest.FLAG_BINDING) != 0;
    }

    /** The session a bind names, among the ClientGuid's (where {@link SessionBinding} looks it up too). */
    private Session boundSession(Smb2Request req) {
        return conn.client() == null ? null : conn.client().session(req.sessionId());
    }

    private void check(Smb2Request req) {
        if (req.command() == Smb2Command.NEGOTIATE || req.sessionId() == 0 || req.encrypted()) {
            return; // encrypted requests are authenticated by the AEAD tag instead
        }
        boolean bind = isBind(req);
        Session s = bind ? boundSession(req) : conn.session(req.sessionId());
        if (bind && s == null && req.header().isSigned()) {
            // another client's session: verified with Session.SigningKey too, then judged by SessionBinding
            SessionGlobal g = conn.server().globalSession(req.sessionId());
            if (g != null && !g.signer().verify(req.content())) {
                req.fail(NtStatus.ACCESS_DENIED, "bad signature on " + req + " binding session 0x"
                        + Long.toHexString(g.id()));
            }
            return;
        }
        if (s == null || s.signer() == null) {
            return; // unknown sessions are refused by the dispatcher; sessions being set up have no key yet
        }
        // 3.3.5.2.4: a binding request is verified with Session.SigningKey, others with their channel's key; a
        // bind on a connection that already is a channel of the session, with that channel's key (as Samba)
        Smb2Signer signer = s.signer(conn);
        if (req.header().isSigned()) {
            if (!signer.verify(req.content())) {
                req.fail(NtStatus.ACCESS_DENIED, "bad signature on " + req + " of session 0x"
                        + Long.toHexString(s.id()));
            }
        } else if (s.signingRequired() && !(bind && (s.channel(conn) == null || s.channel(conn).signer() == null))) {
            // only a bind from a connection that is not yet a channel may come unsigned: SessionBinding answers it
            // INVALID_PARAMETER; a re-authentication must be signed like any request (as Samba)
            req.fail(NtStatus.ACCESS_DENIED, "unsigned " + req + " on session 0x" + Long.toHexString(s.id())
                    + ", which requires signing");
        }
    }
}
