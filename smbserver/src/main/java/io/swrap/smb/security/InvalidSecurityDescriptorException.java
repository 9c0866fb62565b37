package io.swrap.smb.security;

/** A descriptor that does not parse: the message says which part, at which offset. */
public final class InvalidSecurityDescriptorException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSecurityDescriptorException(String message) {
        super(message);
    }
}
