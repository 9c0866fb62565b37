package io.swrap.smb.ipc;

/** A datagram that is not a message this version can read; the text says which field and value. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
