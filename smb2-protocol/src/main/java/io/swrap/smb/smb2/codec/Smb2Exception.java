package io.swrap.smb.smb2.codec;

/**
 * A request that fails with an NTSTATUS: the dispatcher answers it with an SMB2 ERROR Response
 * ([MS-SMB2] 2.2.2) carrying this status and the request's MessageId.
 */
public final class Smb2Exception extends Exception {
    private final int status;
    private final byte[] errorData;

    public Smb2Exception(int status, String reason) {
        this(status, reason, new byte[0]);
    }

    /** With ErrorData for the error response, e.g. the needed size for STATUS_BUFFER_TOO_SMALL. */
    public Smb2Exception(int status, String reason, byte[] errorData) {
        super(NtStatus.name(status) + ": " + reason);
        this.status = status;
        this.errorData = errorData.clone();
    }

    public Smb2Exception(int status, String reason, Throwable cause) {
        super(NtStatus.name(status) + ": " + reason, cause);
        this.status = status;
        this.errorData = new byte[0];
    }

    public int status() {
        return status;
    }

    public byte[] errorData() {
        return errorData.clone();
    }
}
