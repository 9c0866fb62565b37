package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;

/** Processes one SMB2 command ([MS-SMB2] 3.3.5.x); returns null when no response is sent (CANCEL). */
interface Smb2CommandHandler {
    Reply handle(RequestContext rc) throws Smb2Exception, IOException;
}
