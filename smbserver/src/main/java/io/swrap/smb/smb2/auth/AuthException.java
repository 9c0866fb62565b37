package io.swrap.smb.smb2.auth;

/** An authentication that fails: the SESSION_SETUP is answered with STATUS_LOGON_FAILURE. */
public final class AuthException extends Exception {
    public AuthException(String message) {
        super(message);
    }

    public AuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
