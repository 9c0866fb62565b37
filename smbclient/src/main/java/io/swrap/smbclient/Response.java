package io.swrap.smbclient;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Header;

/**
 * One SMB2 response as received ([MS-SMB2] 2.2.1): its header and the whole message (header included,
 * decrypted when it came in a TRANSFORM_HEADER) in an unpooled heap buffer the caller need not release.
 */
record Response(Smb2Header header, ByteBuf message, boolean encrypted) {

    int status() {
        return header.status();
    }

    /** Absolute index of body offset {@code off} ([MS-SMB2] offsets are from the start of the header). */
    int body(int off) {
        return message.readerIndex() + Smb2Header.SIZE + off;
    }

    /** Bytes at an Offset from the header start, as the spec's *Offset/*Length fields give them. */
    byte[] bytesAt(int offsetFromHeader, int length) {
        byte[] b = new byte[length];
        if (length > 0) {
            message.getBytes(message.readerIndex() + offsetFromHeader, b);
        }
        return b;
    }

    /** Throws unless the status is one of {@code accepted}. */
    Response expect(String what, int... accepted) throws SmbStatusException {
        for (int s : accepted) {
            if (header.status() == s) {
                return this;
            }
        }
        throw new SmbStatusException(header.status(), what);
    }

    Response ok(String what) throws SmbStatusException {
        return expect(what, NtStatus.SUCCESS);
    }

    @Override
    public String toString() {
        return Smb2Command.name(header.command()) + "#" + header.messageId() + " " + NtStatus.name(header.status());
    }
}
