package io.swrap.smb.vfs.posix;

import static io.swrap.smb.vfs.posix.LibC.AT_EMPTY_PATH;
import static io.swrap.smb.vfs.posix.LibC.AT_FDCWD;
import static io.swrap.smb.vfs.posix.LibC.AT_REMOVEDIR;
import static io.swrap.smb.vfs.posix.LibC.AT_SYMLINK_NOFOLLOW;
import static io.swrap.smb.vfs.posix.LibC.O_CLOEXEC;
import static io.swrap.smb.vfs.posix.LibC.O_CREAT;
import static io.swrap.smb.vfs.posix.LibC.O_DIRECTORY;
import static io.swrap.smb.vfs.posix.LibC.O_EXCL;
import static io.swrap.smb.vfs.posix.LibC.O_NOFOLLOW;
import static io.swrap.smb.vfs.posix.LibC.O_PATH;
import static io.swrap.smb.vfs.posix.LibC.O_RDONLY;

import io.swrap.smb.vfs.Errno;
import io.swrap.smb.vfs.Stat;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The VFS of a directory on Linux. The share's root is held as an O_PATH directory descriptor and every
 * name is resolved beneath it: first by {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)}, where the
 * kernel refuses any step out of the root (a "..", an absolute symlink, a symlink leading outside); when it
 * refuses (EXDEV) or has no openat2, by a walk one component at a time with {@code O_PATH | O_NOFOLLOW}
 * relative to the previous directory's descriptor, reading each symlink and following it only while its
 * target stays beneath the root (an absolute target inside the share's real path is followed, as Samba does).
 * Creating, renaming and removing act on one name relative to its resolved parent's descriptor, so the last
 * component is never followed. Data is read and written through a channel reopened from
 * {@code /proc/self/fd/N}, which names exactly the inode already opened.
 */
public final class PosixVfs implements Vfs {
    /** As the kernel's MAXSYMLINKS: more symlinks in one resolution fail with ELOOP. */
    private static final int MAX_SYMLINKS = 40;
    private static final int FILE_MODE = 0666;
    private static final int DIR_MODE = 0777;
    private static volatile boolean openat2Available = true;

    private final int rootFd;
    /** The root's real path, to recognize absolute symlink targets inside the share. */
    private final String rootReal;
    private volatile boolean closed;

    /** Opens {@code root} (an existing directory) as the share's root descriptor. */
    public PosixVfs(Path root) throws IOException {
        this.rootReal = root.toRealPath().toString();
        this.rootFd = LibC.openat(AT_FDCWD, rootReal, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    }

    @Override
    public Handle open(String rel) throws VfsException {
        return new PosixHandle(resolve(rel, true, false));
    }

    @Override
    public Handle createFile(String rel) throws VfsException {
        int dir = resolve(parent(rel), true, true);
        try {
            // O_EXCL: never follows a symlink in the last component, fails on any existing name
            return new PosixHandle(LibC.openat(dir, base(rel), O_CREAT | O_EXCL | O_NOFOLLOW | O_RDONLY | O_CLOEXEC,
                    FILE_MODE));
        } finally {
            LibC.close(dir);
        }
    }

    @Override
    public Handle mkdir(String rel) throws VfsException {
        int dir = resolve(parent(rel), true, true);
        try {
            LibC.mkdirat(dir, base(rel), DIR_MODE);
            // O_NOFOLLOW|O_DIRECTORY: a symlink swapped in since mkdirat fails (ENOTDIR) instead of being followed
            return new PosixHandle(LibC.openat(dir, base(rel), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC, 0));
        } finally {
            LibC.close(dir);
        }
    }

    @Override
    public String lookup(String dirRel, String name) throws VfsException {
        int dir = resolve(dirRel, true, true);
        try {
            try {
                LibC.statx(dir, name, AT_SYMLINK_NOFOLLOW);
                return name;
            } catch (VfsException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
            }
            for (String n : LibC.list(dir, MAX_DIRECTORY_ENTRIES)) {
                if (n.equalsIgnoreCase(name)) {
                    return n;
                }
            }
            return null;
        } finally {
            LibC.close(dir);
        }
    }

    @Override
    public void rename(String from, String to, boolean replace) throws VfsException {
        if (from.isEmpty() || to.isEmpty()) {
            throw new VfsException(Errno.EBUSY, "renameat2", "the share's root");
        }
        int fromDir = resolve(parent(from), true, true);
        try {
            int toDir = resolve(parent(to), true, true);
            try {
                LibC.renameat2(fromDir, base(from), toDir, base(to), replace ? 0 : LibC.RENAME_NOREPLACE);
            } finally {
                LibC.close(toDir);
            }
        } finally {
            LibC.close(fromDir);
        }
    }

    @Override
    public void remove(String rel, boolean directory) throws VfsException {
        if (rel.isEmpty()) {
            throw new VfsException(Errno.EBUSY, "unlinkat", "the share's root");
        }
        int dir = resolve(parent(rel), true, true);
        try {
            LibC.unlinkat(dir, base(rel), directory ? AT_REMOVEDIR : 0);
        } finally {
            LibC.close(dir);
        }
    }

    @Override
    public Handle entry(Handle dir, String dirRel, String name) throws VfsException {
        int fd;
        try {
            fd = LibC.openat(((PosixHandle) dir).fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        } catch (VfsException e) {
            if (e.errno() == Errno.ENOENT) {
                return null; // removed since the listing was read
            }
            throw e;
        }
        PosixHandle h = new PosixHandle(fd);
        if (!h.stat().isSymlink()) {
            return h;
        }
        h.close();
        try {
            return open(dirRel.isEmpty() ? name : dirRel + "/" + name);
        } catch (VfsException e) {
            if (e.errno() == Errno.EXDEV || e.errno() == Errno.ELOOP || e.errno() == Errno.ENOENT
                    || e.errno() == Errno.ENOTDIR || e.errno() == Errno.EACCES) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(rootFd);
        }
    }

    private static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    private static String base(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /**
     * An O_PATH descriptor of {@code rel} beneath the root ({@code followLast}: a final symlink is followed,
     * else the link itself is opened; {@code directory}: it must be a directory).
     */
    int resolve(String rel, boolean followLast, boolean directory) throws VfsException {
        if (openat2Available) {
            int flags = O_PATH | O_CLOEXEC | (followLast ? 0 : O_NOFOLLOW) | (directory ? O_DIRECTORY : 0);
            int fd = LibC.openat2(rootFd, rel.isEmpty() ? "." : rel, flags, 0,
                    LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_MAGICLINKS);
            if (fd >= 0) {
                return fd;
            }
            if (-fd == Errno.ENOSYS || -fd == Errno.EPERM) {
                openat2Available = false; // an old kernel, or a seccomp filter refusing the call: walk from now on
            } else if (-fd != Errno.EXDEV && -fd != Errno.EAGAIN) {
                // EXDEV: a step out of the root, or an absolute symlink (which the walk may follow);
                // EAGAIN: a concurrent rename made the kernel give up on a ".."
                throw new VfsException(-fd, "openat2", rel);
            }
        }
        return walk(rel, followLast, directory);
    }

    /** The component walk of {@link #resolve} (see the class comment). */
    private int walk(String rel, boolean followLast, boolean directory) throws VfsException {
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(rel.split("/")));
        Deque<Integer> dirs = new ArrayDeque<>();
        dirs.push(LibC.openat(rootFd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String c = todo.pollFirst();
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                if (c.equals("..")) {
                    if (dirs.size() == 1) {
                        throw new VfsException(Errno.EXDEV, "resolve", rel + " (leaves the share)");
                    }
                    LibC.close(dirs.pop());
                    continue;
                }
                boolean last = todo.stream().allMatch(s -> s.isEmpty() || s.equals("."));
                int fd = LibC.openat(dirs.peek(), c, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
                Stat s;
                try {
                    s = LibC.statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
                } catch (VfsException e) {
                    LibC.close(fd);
                    throw e;
                }
                if (s.isSymlink() && (!last || followLast)) {
                    String target;
                    try {
                        target = LibC.readlink(fd);
                    } finally {
                        LibC.close(fd);
                    }
                    if (++links > MAX_SYMLINKS) {
                        throw new VfsException(Errno.ELOOP, "resolve", rel);
                    }
                    if (target.startsWith("/")) {
                        if (!target.equals(rootReal) && !target.startsWith(rootReal + "/")) {
                            throw new VfsException(Errno.EXDEV, "resolve", rel + " (a symlink to " + target
                                    + " leaves the share)");
                        }
                        target = target.substring(rootReal.length());
                        while (dirs.size() > 1) {
                            LibC.close(dirs.pop());
                        }
                    }
                    List<String> parts = Arrays.asList(target.split("/"));
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.addFirst(parts.get(i));
                    }
                    continue;
                }
                if (!s.isDirectory() && (!last || directory)) {
                    LibC.close(fd);
                    throw new VfsException(Errno.ENOTDIR, "resolve", rel);
                }
                dirs.push(fd);
            }
            // the object is the last descriptor pushed: hand it out instead of closing it
            return dirs.pop();
        } finally {
            while (!dirs.isEmpty()) {
                LibC.close(dirs.pop());
            }
        }
    }

    /** A descriptor of an object of the share: O_PATH, or the O_RDONLY one a create returned. */
    static final class PosixHandle implements Handle {
        final int fd;
        /** A write-only descriptor of the same object for {@link #write} (pwrite reports its errno), or -1. */
        private int writeFd = -1;
        /** A read-only descriptor of the same object for {@link #read}, or -1. */
        private int readFd = -1;
        /** Calls running on {@link #fd}, {@link #readFd} or {@link #writeFd}. */
        private int users;
        private boolean closed;

        PosixHandle(int fd) {
            this.fd = fd;
        }

        @Override
        public Stat stat() throws VfsException {
            pin("statx");
            try {
                return LibC.statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            } finally {
                unuse();
            }
        }

        @Override
        public FileChannel channel(boolean write) throws IOException {
            pin("open");
            try {
                Path self = Path.of(LibC.procPath(fd));
                return write ? FileChannel.open(self, StandardOpenOption.READ, StandardOpenOption.WRITE)
                        : FileChannel.open(self, StandardOpenOption.READ);
            } finally {
                unuse();
            }
        }

        @Override
        public List<String> list() throws VfsException {
            pin("getdents64");
            try {
                return LibC.list(fd, MAX_DIRECTORY_ENTRIES);
            } finally {
                unuse();
            }
        }

        @Override
        public int read(java.nio.ByteBuffer dst, long offset) throws VfsException {
            int r = use(false, "pread");
            try {
                return LibC.pread(r, dst, offset);
            } finally {
                unuse();
            }
        }

        @Override
        public int write(java.nio.ByteBuffer src, long offset) throws VfsException {
            int w = use(true, "pwrite");
            try {
                return LibC.pwrite(w, src, offset);
            } finally {
                unuse();
            }
        }

        /**
         * The data descriptor for a read or write, opened on first use (a FIFO's open may block: this runs
         * on an I/O thread); counted, so that a close meanwhile leaves it open until the operation ends and its
         * number cannot be reused for another file under a running pread/pwrite.
         */
        private synchronized int use(boolean write, String call) throws VfsException {
            if (closed) {
                throw new VfsException(Errno.EBADF, call, "a closed handle");
            }
            if (write && writeFd < 0) {
                writeFd = LibC.openat(AT_FDCWD, LibC.procPath(fd), LibC.O_WRONLY | O_CLOEXEC, 0);
            } else if (!write && readFd < 0) {
                readFd = LibC.openat(AT_FDCWD, LibC.procPath(fd), O_RDONLY | O_CLOEXEC, 0);
            }
            users++;
            return write ? writeFd : readFd;
        }

        /**
         * Counts a metadata call on {@link #fd} (it may run on an I/O thread while the loop closes the handle):
         * the descriptor stays open until the call ends, so its number is not reused meanwhile.
         */
        private synchronized void pin(String call) throws VfsException {
            if (closed) {
                throw new VfsException(Errno.EBADF, call, "a closed handle");
            }
            users++;
        }

        private synchronized void unuse() {
            if (--users == 0 && closed) {
                closeDescriptors();
            }
        }

        @Override
        public List<long[]> dataRanges(long from, long end, int max) throws VfsException {
            // SEEK_DATA/SEEK_HOLE need a descriptor opened for I/O: one of this same inode, for this call only
            pin("open");
            int rd;
            try {
                rd = LibC.openat(AT_FDCWD, LibC.procPath(fd), LibC.O_RDONLY | O_CLOEXEC, 0);
            } finally {
                unuse();
            }
            try {
                List<long[]> ranges = new ArrayList<>();
                long at = from;
                while (at < end && ranges.size() < max) {
                    long data = LibC.seek(rd, at, LibC.SEEK_DATA);
                    if (data < 0 || data >= end) {
                        break;
                    }
                    long hole = LibC.seek(rd, data, LibC.SEEK_HOLE);
                    if (hole <= data) {
                        throw new VfsException(Errno.EIO, "lseek SEEK_HOLE", "fd " + fd + ": hole at " + hole
                                + " not after data at " + data);
                    }
                    ranges.add(new long[] {data, Math.min(hole, end) - data});
                    at = hole;
                }
                return ranges;
            } finally {
                LibC.close(rd);
            }
        }

        @Override
        public void punchHole(long offset, long length) throws VfsException {
            int w = use(true, "fallocate");
            try {
                LibC.fallocate(w, LibC.FALLOC_PUNCH_HOLE_KEEP_SIZE, offset, length);
            } finally {
                unuse();
            }
        }

        @Override
        public void setTimes(long atime, long mtime) throws VfsException {
            pin("utimensat");
            try {
                LibC.setTimes(fd, atime, mtime);
            } finally {
                unuse();
            }
        }

        @Override
        public byte[] getXattr(String name, int max) throws VfsException {
            pin("fgetxattr");
            try {
                return LibC.getxattr(fd, name, max);
            } finally {
                unuse();
            }
        }

        @Override
        public boolean setXattr(String name, byte[] value) throws VfsException {
            pin("fsetxattr");
            try {
                return LibC.setxattr(fd, name, value);
            } finally {
                unuse();
            }
        }

        @Override
        public List<String> listXattrs(int maxBytes) throws VfsException {
            pin("flistxattr");
            try {
                return LibC.listxattr(fd, maxBytes);
            } finally {
                unuse();
            }
        }

        @Override
        public boolean removeXattr(String name) throws VfsException {
            pin("fremovexattr");
            try {
                return LibC.removexattr(fd, name);
            } finally {
                unuse();
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                if (users == 0) {
                    closeDescriptors();
                }
            }
        }

        private void closeDescriptors() {
            if (writeFd >= 0) {
                LibC.close(writeFd);
            }
            if (readFd >= 0) {
                LibC.close(readFd);
            }
            LibC.close(fd);
        }
    }
}
