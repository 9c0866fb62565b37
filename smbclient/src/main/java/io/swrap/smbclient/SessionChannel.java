package io.swrap.smbclient;

import io.swrap.smb.smb2.crypto.Smb2Signer;

/**
 * [MS-SMB2] 3.2.1.8 Per Channel: one connection of a session and Channel.SigningKey as two signers, one that
 * signs requests and one that verifies responses (both used on the connection's event loop). The first
 * channel signs with Session.SigningKey; a bound one with the key of its own bind (3.2.5.3.1).
 */
final class SessionChannel {
    /** Position in Session.ChannelList: 0 for the connection the session was set up on, then binding order. */
    final int index;
    final Connection connection;
    final Smb2Signer signer;
    final Smb2Signer verifier;

    SessionChannel(int index, Connection connection, Smb2Signer signer, Smb2Signer verifier) {
        this.index = index;
        this.connection = connection;
        this.signer = signer;
        this.verifier = verifier;
    }

    ChannelInfo info() {
        return new ChannelInfo(index, connection.server, connection.localAddress());
    }

    @Override
    public String toString() {
        return "channel " + index + " to " + connection.server;
    }
}
