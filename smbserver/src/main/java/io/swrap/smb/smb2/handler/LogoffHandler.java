package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2EmptyBody;

/**
 * [MS-SMB2] 3.3.5.6 Receiving an SMB2 LOGOFF Request: close the session's opens, keeping the durable ones for a
 * reconnect ({@link io.swrap.smb.state.Session#logoff}), and forget it.
 */
final class LogoffHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws io.swrap.smb.smb2.codec.Smb2Exception {
        rc.request.checkBody(4, 4); // StructureSize 4, Reserved 2
        rc.signerBeforeClose = rc.session.signer(rc.conn);
        rc.session.logoff();
        rc.conn.removeSession(rc.session.id());
        return Reply.ok(new Smb2EmptyBody());
    }
}
