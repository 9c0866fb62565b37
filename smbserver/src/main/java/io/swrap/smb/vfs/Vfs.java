package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Maps JDK file-system exceptions to the NTSTATUS a Windows server would return. */
public final class Vfs {
    private Vfs() {
    }

    public static Smb2Exception toSmb(IOException e, String what) {
        int status;
        if (e instanceof NoSuchFileException) {
            status = NtStatus.OBJECT_NAME_NOT_FOUND;
        } else if (e instanceof FileAlreadyExistsException) {
            status = NtStatus.OBJECT_NAME_COLLISION;
        } else if (e instanceof DirectoryNotEmptyException) {
            status = NtStatus.DIRECTORY_NOT_EMPTY;
        } else if (e instanceof NotDirectoryException) {
            status = NtStatus.NOT_A_DIRECTORY;
        } else if (e instanceof AccessDeniedException) {
            status = NtStatus.ACCESS_DENIED;
        } else if (e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().contains("No space")) {
            status = NtStatus.DISK_FULL;
        } else {
            status = NtStatus.ACCESS_DENIED;
        }
        return new Smb2Exception(status, what + ": " + e, e);
    }
}
