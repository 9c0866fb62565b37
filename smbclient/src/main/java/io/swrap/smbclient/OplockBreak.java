package io.swrap.smbclient;

import java.net.InetSocketAddress;

/**
 * An oplock break notification (2.2.23.1) as it arrived: the level the server breaks to, the FileId's
 * persistent half, and the server address of the channel it came on.
 */
public record OplockBreak(int level, long persistentFileId, InetSocketAddress via) {
}
