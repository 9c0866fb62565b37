package io.swrap.smbclient;

import io.swrap.smb.smb2.codec.NtStatus;
import java.io.IOException;

/** A request the server answered with an error NTSTATUS ([MS-ERREF] 2.3); {@link #status()} tells which. */
public final class SmbStatusException extends IOException {
    private final int status;

    SmbStatusException(int status, String what) {
        super(what + ": " + NtStatus.name(status));
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The status name, e.g. {@code STATUS_LOGON_FAILURE}. */
    public String statusName() {
        return NtStatus.name(status);
    }
}
