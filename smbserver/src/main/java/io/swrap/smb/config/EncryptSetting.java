package io.swrap.smb.config;

/** smb.conf {@code smb encrypt} (global or per share), after Samba's smb.conf(5). */
public enum EncryptSetting {
    /** Encryption is offered; the client decides. */
    OFF,
    /** Sessions (global) or tree connects (share) are flagged ENCRYPT_DATA when the client can encrypt. */
    DESIRED,
    /** As DESIRED, and clients that cannot encrypt get STATUS_ACCESS_DENIED. */
    REQUIRED
}
