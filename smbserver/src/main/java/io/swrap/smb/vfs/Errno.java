package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;

/**
 * Linux errno values the VFS meets and the one table that turns them into NTSTATUS (as Samba's
 * map_nt_error_from_unix). An errno not in the table is STATUS_UNEXPECTED_IO_ERROR and is logged by name.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int ENOTSUP = 95;
    public static final int EDQUOT = 122;

    private Errno() {
    }

    /**
     * The NTSTATUS for {@code errno}. EXDEV and ELOOP come from a resolution that would leave the share
     * (RESOLVE_BENEATH, or a symlink pointing outside): such a symlink does not exist for a client, as in Samba
     * with {@code wide links = no} (OBJECT_PATH_NOT_FOUND here; OBJECT_NAME_NOT_FOUND when it is the last
     * component of a name, which the CREATE handler decides).
     */
    public static int toStatus(int errno) {
        return switch (errno) {
            case ENOENT -> NtStatus.OBJECT_NAME_NOT_FOUND;
            case EEXIST -> NtStatus.OBJECT_NAME_COLLISION;
            case ENOTEMPTY -> NtStatus.DIRECTORY_NOT_EMPTY;
            case ENOTDIR -> NtStatus.NOT_A_DIRECTORY;
            case EISDIR -> NtStatus.FILE_IS_A_DIRECTORY;
            case EACCES, EPERM -> NtStatus.ACCESS_DENIED;
            case EXDEV, ELOOP -> NtStatus.OBJECT_PATH_NOT_FOUND;
            case ENOSPC, EDQUOT, EFBIG -> NtStatus.DISK_FULL;
            case ENAMETOOLONG -> NtStatus.OBJECT_NAME_INVALID;
            case EROFS -> NtStatus.MEDIA_WRITE_PROTECTED;
            case EBUSY -> NtStatus.SHARING_VIOLATION;
            case EINVAL -> NtStatus.INVALID_PARAMETER;
            case ENOMEM, EMFILE -> NtStatus.INSUFFICIENT_RESOURCES;
            case E2BIG -> NtStatus.INSUFFICIENT_RESOURCES;
            default -> NtStatus.UNEXPECTED_IO_ERROR;
        };
    }

    /** Whether {@link #toStatus} knows {@code errno} (the others are logged). */
    public static boolean mapped(int errno) {
        return toStatus(errno) != NtStatus.UNEXPECTED_IO_ERROR || errno == EIO;
    }

    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case ERANGE -> "ERANGE";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EXDEV -> "EXDEV";
            case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case EROFS -> "EROFS";
            case EMLINK -> "EMLINK";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case ENOTEMPTY -> "ENOTEMPTY";
            case ELOOP -> "ELOOP";
            case ENODATA -> "ENODATA";
            case ENOTSUP -> "ENOTSUP";
            case EDQUOT -> "EDQUOT";
            default -> "errno " + errno;
        };
    }
}
