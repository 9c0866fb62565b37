package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.swrap.smb.smb2.crypto.Smb2TransformCipher;

/**
 * The payload of one direct-TCP frame ([MS-SMB2] 2.1): one SMB2 message or compound chain.
 * Inbound it records whether it arrived inside a TRANSFORM_HEADER; outbound it names the cipher
 * (and SessionId) to wrap it with, or none.
 */
public final class Smb2Frame extends DefaultByteBufHolder {
    private final boolean encrypted;
    private final long sessionId;
    private final Smb2TransformCipher cipher;

    private Smb2Frame(ByteBuf data, boolean encrypted, long sessionId, Smb2TransformCipher cipher) {
        super(data);
        this.encrypted = encrypted;
        this.sessionId = sessionId;
        this.cipher = cipher;
    }

    public static Smb2Frame plain(ByteBuf data) {
        return new Smb2Frame(data, false, 0, null);
    }

    public static Smb2Frame decrypted(ByteBuf data, long sessionId) {
        return new Smb2Frame(data, true, sessionId, null);
    }

    public static Smb2Frame toEncrypt(ByteBuf data, Smb2TransformCipher cipher, long sessionId) {
        return new Smb2Frame(data, true, sessionId, cipher);
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** The transform header's SessionId. */
    public long sessionId() {
        return sessionId;
    }

    /** Outbound: the session cipher to encrypt with, or null. */
    public Smb2TransformCipher cipher() {
        return cipher;
    }
}
