package io.swrap.smb.smb2.auth;

/**
 * An authentication that fails: the SESSION_SETUP is answered with STATUS_LOGON_FAILURE, or with
 * STATUS_INVALID_PARAMETER when a message does not parse ({@link #malformed()}).
 */
public final class AuthException extends Exception {
    private final boolean malformed;

    public AuthException(String message) {
        this(message, false);
    }

    public AuthException(String message, Throwable cause) {
        super(message, cause);
        this.malformed = false;
    }

    public AuthException(String message, boolean malformed) {
        super(message);
        this.malformed = malformed;
    }

    /** The client's message does not parse (as opposed to credentials that do not match). */
    public boolean malformed() {
        return malformed;
    }
}
