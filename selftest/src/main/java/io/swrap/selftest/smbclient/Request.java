package io.swrap.selftest.smbclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * One request on its way out: the command, the body after the 64-byte header, and the header
 * fields and protection the caller chooses; {@link Connection#send} adds MessageId, credits,
 * signature and encryption ([MS-SMB2] 3.2.4.1).
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
