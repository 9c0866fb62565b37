package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;

/** A failed file-system call of the VFS: the errno, the call and what it was called on. */
public final class VfsException extends IOException {
    private final int errno;

    public VfsException(int errno, String call, String what) {
        super(call + "(" + what + "): " + Errno.name(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The NTSTATUS for the client, with {@code context} (the client's name for the object) in the message. */
    public Smb2Exception toSmb(String context) {
        return new Smb2Exception(Errno.toStatus(errno), context + ": " + getMessage(), this);
    }
}
