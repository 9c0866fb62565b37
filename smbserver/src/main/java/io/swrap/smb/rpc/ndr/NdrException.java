package io.swrap.smb.rpc.ndr;

/** Stub data that does not decode: the call gets a DCE/RPC fault, never an exception to the peer's connection. */
public final class NdrException extends Exception {
    public NdrException(String message) {
        super(message);
    }
}
