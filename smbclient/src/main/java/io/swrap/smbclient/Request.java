package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import java.util.function.Consumer;

/**
 * One request on its way out: the command, the body after the 64-byte header, and the header
 * fields and protection the caller chooses; {@link Connection#send} adds MessageId, credits,
 * ChannelSequence, signature and encryption ([MS-SMB2] 3.2.4.1). Sending does not consume the body, so
 * that a request lost with its channel can be replayed on another one.
 */
final class Request {
    final int command;
    final ByteBuf body = Unpooled.buffer();
    Session session;
    int treeId;
    /** Bytes moved by the request or expected in its response, for CreditCharge (3.2.4.1.5). */
    int payloadSize;
    boolean encrypt;
    boolean sign;
    /** Sees the plain message as sent, e.g. for the 3.1.1 preauth integrity hash. */
    Consumer<ByteBuf> onEncoded;
    /** Header Flags besides SIGNED, which {@link Connection#send} sets: SMB2_FLAGS_REPLAY_OPERATION on a replay. */
    int flags;
    /**
     * Signs instead of the session's key on the sending connection: a bind is signed with Session.SigningKey
     * on a connection that has no channel key yet (3.2.4.1.1). Used on that connection's event loop only.
     */
    Smb2Signer signer;

    Request(int command) {
        this.command = command;
    }

    Request session(Session s) {
        this.session = s;
        return this;
    }

    Request tree(int id) {
        this.treeId = id;
        return this;
    }

    Request payload(int bytes) {
        this.payloadSize = bytes;
        return this;
    }

    Request onEncoded(Consumer<ByteBuf> hook) {
        this.onEncoded = hook;
        return this;
    }
}
