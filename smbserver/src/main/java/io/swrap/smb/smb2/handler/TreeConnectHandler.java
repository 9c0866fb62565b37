package io.swrap.smb.smb2.handler;

import io.swrap.smb.config.EncryptSetting;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2TreeConnectRequest;
import io.swrap.smb.smb2.codec.Smb2TreeConnectResponse;
import io.swrap.smb.state.TreeConnect;
import io.swrap.smb.vfs.Share;

/**
 * [MS-SMB2] 3.3.5.7 Receiving an SMB2 TREE_CONNECT Request. A share with {@code smb encrypt = desired}
 * or {@code required} is flagged SHAREFLAG_ENCRYPT_DATA for clients that can encrypt; a client that
 * cannot gets STATUS_ACCESS_DENIED from a share that requires it.
 */
final class TreeConnectHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        // 3.3.5.7: "If Connection.Dialect is 3.1.1 and Session.IsAnonymous and Session.IsGuest are set to
        // FALSE and the request is not signed or not encrypted, then the server MUST disconnect". This
        // server has neither anonymous nor guest sessions.
        if (rc.conn.dialect() == Smb2Dialect.SMB3_11 && !rc.request.header().isSigned() && !rc.request.encrypted()) {
            rc.disconnect("3.1.1 TREE_CONNECT neither signed nor encrypted");
            return null;
        }
        Smb2TreeConnectRequest req = Smb2TreeConnectRequest.decode(rc.request);
        Share share = rc.conn.server().share(req.shareName());
        if (share == null) {
            throw new Smb2Exception(NtStatus.BAD_NETWORK_NAME, "no share named '" + req.shareName() + "' (path "
                    + req.path() + ")");
        }
        EncryptSetting enc = share.config().encrypt();
        boolean canEncrypt = rc.conn.cipherId() != 0;
        if (enc == EncryptSetting.REQUIRED && !canEncrypt) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "share [" + share.name()
                    + "] requires encryption (smb encrypt = required); the connection has no cipher");
        }
        boolean encrypt = enc != EncryptSetting.OFF && canEncrypt;
        TreeConnect t = rc.session.addTree(share, encrypt);
        rc.tree = t;
        int flags = encrypt ? Smb2TreeConnectResponse.SHAREFLAG_ENCRYPT_DATA : 0;
        return Reply.ok(new Smb2TreeConnectResponse(share.isIpc() ? Smb2TreeConnectResponse.SHARE_TYPE_PIPE
                : Smb2TreeConnectResponse.SHARE_TYPE_DISK, flags, 0, t.maximalAccess()));
    }
}
