package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2EmptyBody;

/** [MS-SMB2] 3.3.5.19 Receiving an SMB2 ECHO Request: answered at once, with or without a session. */
final class EchoHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws io.swrap.smb.smb2.codec.Smb2Exception {
        rc.request.checkBody(4, 4); // StructureSize 4, Reserved 2
        return Reply.ok(new Smb2EmptyBody());
    }
}
