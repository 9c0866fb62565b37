package io.swrap.smb.vfs;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The file-system operations of one share, as Samba's SMB_VFS: every name is share-relative
 * ("/"-separated, "" for the share's root) and is resolved beneath the share's directory descriptor, never
 * by a path string from the root of the machine. A symlink is followed only while it stays beneath the share;
 * an operation on the last component of a name (create, mkdir, rename, unlink) never follows one. What is
 * opened is then used through its {@link Handle}, whatever happens to the name afterwards.
 */
public interface Vfs extends AutoCloseable {
    /** The most entries a directory listing reads before it fails with INSUFFICIENT_RESOURCES. */
    int MAX_DIRECTORY_ENTRIES = 1 << 20;

    /** Opens the existing object {@code rel}, following symlinks that stay beneath the share. */
    Handle open(String rel) throws VfsException;

    /** Creates the regular file {@code rel} exclusively (EEXIST when the name exists, even as a symlink). */
    Handle createFile(String rel) throws VfsException;

    /** Creates the directory {@code rel} (EEXIST when the name exists). */
    Handle mkdir(String rel) throws VfsException;

    /**
     * The name of the entry of directory {@code dirRel} that is {@code name}, exactly or ignoring case, or
     * null when there is none. Throws ENOENT/ENOTDIR when {@code dirRel} is no directory.
     */
    String lookup(String dirRel, String name) throws VfsException;

    /** Renames {@code from} to {@code to}; with {@code replace} false an existing {@code to} fails with EEXIST. */
    void rename(String from, String to, boolean replace) throws VfsException;

    /** Removes the file, or the empty directory, {@code rel}; the share's root is never removed (EBUSY). */
    void remove(String rel, boolean directory) throws VfsException;

    /**
     * The entry {@code name} of the open directory {@code dir} (whose share-relative name is {@code dirRel}) for
     * a listing: the entry itself, or the target of a symlink that stays beneath the share; null for a symlink
     * whose target is outside the share or missing (such entries are not listed, as Samba with wide links = no).
     */
    Handle entry(Handle dir, String dirRel, String name) throws VfsException;

    @Override
    void close();

    /** An opened file or directory; it stays the same object when its name changes. */
    interface Handle extends AutoCloseable {
        /** A time {@link #setTimes} leaves as it is. */
        long UNCHANGED = Long.MIN_VALUE;

        Stat stat() throws VfsException;

        /** A channel for the file's data, read-only or read-write, opened on exactly this object. */
        FileChannel channel(boolean write) throws IOException;

        /** The names in this directory, "." and ".." excepted, at most {@link #MAX_DIRECTORY_ENTRIES}. */
        List<String> list() throws VfsException;

        /**
         * Reads into {@code dst}'s remaining space from {@code offset} (one pread(2), short at the end of the
         * file) and advances its position; a file without positions (a FIFO) is read from where it is, as
         * Samba does. May block for as long as the file system or the FIFO's writer takes: call it off the
         * event loops. A close of the handle meanwhile waits for the read to end.
         */
        int read(java.nio.ByteBuffer dst, long offset) throws VfsException;

        /**
         * Writes {@code src}'s remaining bytes at {@code offset} (one pwrite(2), possibly short) and advances its
         * position: a full disk is ENOSPC, not an exception message.
         */
        int write(java.nio.ByteBuffer src, long offset) throws VfsException;

        /**
         * The data ranges (offset, length; holes skipped) of this file that start before {@code end}, from
         * {@code from} on, each cut at {@code end}: at most {@code max} ranges, so {@code max} ranges returned
         * means there may be more.
         */
        List<long[]> dataRanges(long from, long end, int max) throws VfsException;

        /** Deallocates {@code length} > 0 bytes at {@code offset}, which then read as zeros; the size is unchanged. */
        void punchHole(long offset, long length) throws VfsException;

        /** Sets the access and modification times (FILETIMEs, see {@link FileTimes}, or {@link #UNCHANGED}). */
        void setTimes(long atime, long mtime) throws VfsException;

        /** An extended attribute's value (at most {@code max} bytes), or null when absent or unsupported. */
        byte[] getXattr(String name, int max) throws VfsException;

        /** Sets an extended attribute; false when the file system keeps none. */
        boolean setXattr(String name, byte[] value) throws VfsException;

        /** The names of the extended attributes (at most {@code maxBytes} of names, else E2BIG). */
        List<String> listXattrs(int maxBytes) throws VfsException;

        /** Removes an extended attribute; false when it was not there. */
        boolean removeXattr(String name) throws VfsException;

        @Override
        void close();
    }

    /**
     * The NTSTATUS of a failed file operation: a {@link VfsException} through the errno table, the typed
     * exceptions of a data channel as their errno would be, anything else STATUS_UNEXPECTED_IO_ERROR (logged).
     */
    static Smb2Exception toSmb(IOException e, String what) {
        if (e instanceof VfsException ve) {
            if (!Errno.mapped(ve.errno())) {
                Logger.getLogger(Vfs.class.getName()).warning(what + ": unexpected " + Errno.name(ve.errno())
                        + " from " + ve.getMessage());
            }
            return ve.toSmb(what);
        }
        int status;
        if (e instanceof java.nio.channels.ClosedChannelException) {
            // the handle was closed (on another channel of the session) while its operation ran
            status = NtStatus.FILE_CLOSED;
        } else if (e instanceof NoSuchFileException) {
            status = NtStatus.OBJECT_NAME_NOT_FOUND;
        } else if (e instanceof FileAlreadyExistsException) {
            status = NtStatus.OBJECT_NAME_COLLISION;
        } else if (e instanceof DirectoryNotEmptyException) {
            status = NtStatus.DIRECTORY_NOT_EMPTY;
        } else if (e instanceof NotDirectoryException) {
            status = NtStatus.NOT_A_DIRECTORY;
        } else if (e instanceof AccessDeniedException) {
            status = NtStatus.ACCESS_DENIED;
        } else {
            Logger.getLogger(Vfs.class.getName()).warning(what + ": unexpected I/O error " + e);
            status = NtStatus.UNEXPECTED_IO_ERROR;
        }
        return new Smb2Exception(status, what + ": " + e, e);
    }
}
