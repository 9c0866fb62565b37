package io.swrap.smbclient;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A request got no response because its connection died (closed, reset, a broken frame): the request may
 * or may not have reached the server, so a multichannel session replays it on another channel
 * ([MS-SMB2] 3.2.7.1, SMB2_FLAGS_REPLAY_OPERATION), whereas a status error is the server's answer.
 */
final class ConnectionLostException extends IOException {
    final InetSocketAddress server;

    ConnectionLostException(InetSocketAddress server, IOException cause) {
        super("connection to " + server + " lost: " + cause.getMessage(), cause);
        this.server = server;
    }
}
