package io.swrap.smb.config;

/** smb.conf {@code server signing}: whether the server requires SMB2 message signing. */
public enum SigningSetting {
    /** Sign when the client signs or asks for it ("auto" and "default" in Samba). */
    AUTO,
    /** SecurityMode carries SIGNING_REQUIRED; unsigned requests of a session are refused. */
    MANDATORY,
    /** Samba keeps signing available for SMB2 even when "disabled"; so do we, but never require it. */
    DISABLED
}
