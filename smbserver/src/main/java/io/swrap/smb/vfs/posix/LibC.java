package io.swrap.smb.vfs.posix;

import io.swrap.smb.vfs.Errno;
import io.swrap.smb.vfs.FileTimes;
import io.swrap.smb.vfs.Stat;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Linux calls the POSIX VFS makes (x86_64 or aarch64, glibc), through FFM with errno captured right after
 * each call.
 * Names cross as UTF-8 bytes whatever the process locale. Every failure becomes a {@link VfsException}
 * carrying the errno and the call.
 */
final class LibC {
    /** arm64 has its own O_DIRECTORY and O_NOFOLLOW (asm/fcntl.h); every other value here is the same on both. */
    private static final boolean AARCH64 = aarch64(System.getProperty("os.arch"));
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int RENAME_NOREPLACE = 1;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;
    /** statx mask: STATX_BASIC_STATS | STATX_BTIME. */
    private static final int STATX_MASK = 0x7ff | 0x800;
    private static final int STATX_BTIME = 0x800;
    /** openat2 has no glibc wrapper: the syscall, 437 on x86_64 and aarch64 alike (numbers shared since Linux 5.1). */
    private static final long SYS_OPENAT2 = 437;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int PATH_MAX = 4096;
    private static final long DIRENT_NAME = 19;
    private static final int DIRENT_BUFFER = 32 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout P = ValueLayout.ADDRESS;

    private static final MethodHandle SYSCALL = variadic("syscall", FunctionDescriptor.of(L, L, L, P, P, L), 1);
    private static final MethodHandle OPENAT = variadic("openat", FunctionDescriptor.of(I, I, P, I, I), 3);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(I, I));
    private static final MethodHandle MKDIRAT = fn("mkdirat", FunctionDescriptor.of(I, I, P, I));
    private static final MethodHandle RENAMEAT2 = fn("renameat2", FunctionDescriptor.of(I, I, P, I, P, I));
    private static final MethodHandle UNLINKAT = fn("unlinkat", FunctionDescriptor.of(I, I, P, I));
    private static final MethodHandle STATX = fn("statx", FunctionDescriptor.of(I, I, P, I, I, P));
    private static final MethodHandle READLINKAT = fn("readlinkat", FunctionDescriptor.of(L, I, P, P, L));
    private static final MethodHandle GETDENTS = fn("getdents64", FunctionDescriptor.of(L, I, P, L));
    private static final MethodHandle UTIMENSAT = fn("utimensat", FunctionDescriptor.of(I, I, P, P, I));
    private static final MethodHandle GETXATTR = fn("getxattr", FunctionDescriptor.of(L, P, P, P, L));
    private static final MethodHandle PWRITE = fn("pwrite64", FunctionDescriptor.of(L, I, P, L, L));
    private static final MethodHandle PREAD = fn("pread64", FunctionDescriptor.of(L, I, P, L, L));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(L, I, P, L));
    /** pread(2) on a FIFO or socket. */
    private static final int ESPIPE = 29;
    private static final MethodHandle SETXATTR = fn("setxattr", FunctionDescriptor.of(I, P, P, P, L, I));
    private static final MethodHandle LISTXATTR = fn("listxattr", FunctionDescriptor.of(L, P, P, L));
    private static final MethodHandle REMOVEXATTR = fn("removexattr", FunctionDescriptor.of(I, P, P));
    private static final MethodHandle LSEEK = fn("lseek", FunctionDescriptor.of(L, I, L, I));
    private static final MethodHandle FALLOCATE = fn("fallocate", FunctionDescriptor.of(I, I, I, L, L));
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    /** fallocate(2) mode FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE: deallocate a range, the size unchanged. */
    static final int FALLOC_PUNCH_HOLE_KEEP_SIZE = 0x02 | 0x01;

    private LibC() {
    }

    private static boolean aarch64(String arch) {
        if (!"amd64".equals(arch) && !"aarch64".equals(arch)) {
            throw new UnsupportedOperationException("the POSIX VFS knows the open flags of Linux x86_64 (amd64) and"
                    + " aarch64 only, not of os.arch " + arch + ": run the server on one of those");
        }
        return "aarch64".equals(arch);
    }

    // Restricted: the server runs with --enable-native-access; the descriptors match glibc's.
    @SuppressWarnings("restricted")
    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name + " (glibc 2.30 or newer is needed)")), d,
                Linker.Option.captureCallState("errno"));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle variadic(String name, FunctionDescriptor d, int first) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d,
                Linker.Option.firstVariadicArg(first), Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    /** openat2(2) beneath {@code dirfd} with {@code resolve} flags; -errno when the kernel refuses. */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment how = a.allocate(24);
            how.set(L, 0, flags & 0xffffffffL);
            how.set(L, 8, mode);
            how.set(L, 16, resolve);
            MemorySegment st = a.allocate(CAPTURE);
            long rc = (long) SYSCALL.invokeExact(st, SYS_OPENAT2, (long) dirfd, a.allocateFrom(path), how, 24L);
            return rc < 0 ? -errno(st) : (int) rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int openat(int dirfd, String path, int flags, int mode) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int rc = (int) OPENAT.invokeExact(st, dirfd, a.allocateFrom(path), flags, mode);
            if (rc < 0) {
                throw new VfsException(errno(st), "openat", path);
            }
            return rc;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Closes {@code fd}; a failure (EBADF: a bug) is thrown, EINTR/EIO ignored as the fd is gone either way. */
    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(st, fd);
            if (rc < 0 && errno(st) == Errno.EBADF) {
                throw new IllegalStateException("close(" + fd + "): EBADF, the descriptor was closed twice");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void mkdirat(int dirfd, String name, int mode) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            if ((int) MKDIRAT.invokeExact(st, dirfd, a.allocateFrom(name), mode) < 0) {
                throw new VfsException(errno(st), "mkdirat", name);
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void renameat2(int fromDir, String from, int toDir, String to, int flags) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            if ((int) RENAMEAT2.invokeExact(st, fromDir, a.allocateFrom(from), toDir, a.allocateFrom(to), flags) < 0) {
                throw new VfsException(errno(st), "renameat2", from + " -> " + to);
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void unlinkat(int dirfd, String name, int flags) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            if ((int) UNLINKAT.invokeExact(st, dirfd, a.allocateFrom(name), flags) < 0) {
                throw new VfsException(errno(st), "unlinkat", name);
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** statx(2) of {@code name} relative to {@code dirfd} ("" with AT_EMPTY_PATH: the fd itself). */
    static Stat statx(int dirfd, String name, int flags) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment b = a.allocate(256, 8);
            if ((int) STATX.invokeExact(st, dirfd, a.allocateFrom(name), flags, STATX_MASK, b) < 0) {
                throw new VfsException(errno(st), "statx", name);
            }
            long mtime = filetime(b, 112);
            boolean hasBirth = (b.get(I, 0) & STATX_BTIME) != 0;
            long devMajor = b.get(I, 136) & 0xffffffffL;
            long devMinor = b.get(I, 140) & 0xffffffffL;
            long dev = ((devMajor & 0xfffff000L) << 32) | ((devMajor & 0xfffL) << 8)
                    | ((devMinor & 0xffffff00L) << 12) | (devMinor & 0xffL);
            return new Stat(dev, b.get(L, 32), b.get(ValueLayout.JAVA_SHORT, 28) & 0xffff, b.get(I, 16),
                    b.get(I, 20), b.get(I, 24), b.get(L, 40), filetime(b, 64), mtime, filetime(b, 96),
                    hasBirth ? filetime(b, 80) : mtime);
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A struct statx_timestamp at {@code off} as a FILETIME. */
    private static long filetime(MemorySegment b, long off) {
        return FileTimes.fromUnix(b.get(L, off), b.get(I, off + 8) & 0xffffffffL);
    }

    /** The target of the symlink {@code fd} (an O_PATH|O_NOFOLLOW descriptor of the link). */
    static String readlink(int fd) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(PATH_MAX + 1);
            long n = (long) READLINKAT.invokeExact(st, fd, a.allocateFrom(""), buf, (long) PATH_MAX);
            if (n < 0) {
                throw new VfsException(errno(st), "readlinkat", "fd " + fd);
            }
            buf.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
            return buf.getString(0);
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The names in directory {@code dirfd} except "." and ".." (read through a new descriptor of it). */
    static List<String> list(int dirfd, int limit) throws VfsException {
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(DIRENT_BUFFER, 8);
            List<String> names = new ArrayList<>();
            while (true) {
                long n = (long) GETDENTS.invokeExact(st, fd, buf, (long) DIRENT_BUFFER);
                if (n < 0) {
                    throw new VfsException(errno(st), "getdents64", "fd " + dirfd);
                }
                if (n == 0) {
                    return names;
                }
                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated)
                for (long off = 0; off < n; off += buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 16) & 0xffff) {
                    String name = buf.getString(off + DIRENT_NAME);
                    if (name.equals(".") || name.equals("..")) {
                        continue;
                    }
                    if (names.size() >= limit) {
                        throw new VfsException(Errno.E2BIG, "getdents64", "a directory of over " + limit + " entries");
                    }
                    names.add(name);
                }
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd);
        }
    }

    /** Sets atime/mtime (FILETIMEs, or {@link Vfs.Handle#UNCHANGED}) of the file {@code fd} names. */
    static void setTimes(int fd, long atime, long mtime) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment ts = a.allocate(32, 8);
            timespec(ts, 0, atime);
            timespec(ts, 16, mtime);
            // through the descriptor's magic link: futimens needs a descriptor open for writing, an O_PATH one is not
            if ((int) UTIMENSAT.invokeExact(st, AT_FDCWD, a.allocateFrom(procPath(fd)), ts, 0) < 0) {
                throw new VfsException(errno(st), "utimensat", "fd " + fd);
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void timespec(MemorySegment ts, long off, long filetime) {
        if (filetime == Vfs.Handle.UNCHANGED) {
            ts.set(L, off, 0);
            ts.set(L, off + 8, UTIME_OMIT);
        } else {
            ts.set(L, off, FileTimes.unixSeconds(filetime));
            ts.set(L, off + 8, FileTimes.unixNanos(filetime));
        }
    }

    /** The value of extended attribute {@code name} of the file {@code fd} names, or null when it has none. */
    static byte[] getxattr(int fd, String name, int max) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(max);
            long n = (long) GETXATTR.invokeExact(st, a.allocateFrom(procPath(fd)), a.allocateFrom(name), buf, (long) max);
            if (n < 0) {
                int e = errno(st);
                if (e == Errno.ENODATA || e == Errno.ENOTSUP) {
                    return null;
                }
                throw new VfsException(e, "getxattr " + name, "fd " + fd);
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets extended attribute {@code name}; false when the file system keeps none. */
    static boolean setxattr(int fd, String name, byte[] value) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) SETXATTR.invokeExact(st, a.allocateFrom(procPath(fd)), a.allocateFrom(name), v,
                    (long) value.length, 0);
            if (rc < 0) {
                int e = errno(st);
                if (e == Errno.ENOTSUP) {
                    return false;
                }
                throw new VfsException(e, "setxattr " + name, "fd " + fd);
            }
            return true;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The names of the extended attributes of the file {@code fd} names, read into at most {@code max} bytes
     * (more: E2BIG); empty where the file system keeps none.
     */
    static List<String> listxattr(int fd, int max) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, max));
            long n = (long) LISTXATTR.invokeExact(st, a.allocateFrom(procPath(fd)), buf, (long) max);
            if (n < 0) {
                int e = errno(st);
                if (e == Errno.ENOTSUP) {
                    return List.of();
                }
                throw new VfsException(e == Errno.ERANGE ? Errno.E2BIG : e, "listxattr", "fd " + fd + " (at most "
                        + max + " bytes of names)");
            }
            List<String> names = new java.util.ArrayList<>();
            long start = 0;
            for (long i = 0; i < n; i++) {
                if (buf.get(ValueLayout.JAVA_BYTE, i) == 0) {
                    names.add(new String(buf.asSlice(start, i - start).toArray(ValueLayout.JAVA_BYTE),
                            java.nio.charset.StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Removes extended attribute {@code name}; false when there was none. */
    static boolean removexattr(int fd, String name) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int rc = (int) REMOVEXATTR.invokeExact(st, a.allocateFrom(procPath(fd)), a.allocateFrom(name));
            if (rc < 0) {
                int e = errno(st);
                if (e == Errno.ENODATA || e == Errno.ENOTSUP) {
                    return false;
                }
                throw new VfsException(e, "removexattr " + name, "fd " + fd);
            }
            return true;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * pwrite(2) of {@code src}'s remaining bytes at {@code offset} (one call, possibly short); advances src. A heap
     * buffer is copied to native memory first (Netty's buffers are direct: the copy is the exception).
     */
    static int pwrite(int fd, java.nio.ByteBuffer src, long offset) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int len = src.remaining();
            MemorySegment data;
            if (src.isDirect()) {
                data = MemorySegment.ofBuffer(src);
            } else {
                data = a.allocate(Math.max(1, len));
                MemorySegment.copy(MemorySegment.ofBuffer(src), 0, data, 0, len);
            }
            long n = (long) PWRITE.invokeExact(st, fd, data, (long) len, offset);
            if (n < 0) {
                throw new VfsException(errno(st), "pwrite", "fd " + fd + " at " + offset);
            }
            src.position(src.position() + (int) n);
            return (int) n;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * pread(2) into {@code dst}'s remaining space at {@code offset} (one call, short at the end of the file);
     * advances dst. On a file without positions (ESPIPE: a FIFO) read(2) instead, as Samba's vfs_pread does.
     */
    static int pread(int fd, java.nio.ByteBuffer dst, long offset) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int len = dst.remaining();
            MemorySegment data = dst.isDirect() ? MemorySegment.ofBuffer(dst) : a.allocate(Math.max(1, len));
            long n = (long) PREAD.invokeExact(st, fd, data, (long) len, offset);
            if (n < 0 && errno(st) == ESPIPE) {
                n = (long) READ.invokeExact(st, fd, data, (long) len);
            }
            if (n < 0) {
                throw new VfsException(errno(st), "pread", "fd " + fd + " at " + offset);
            }
            if (!dst.isDirect()) {
                MemorySegment.copy(data, 0, MemorySegment.ofBuffer(dst), 0, n);
            }
            dst.position(dst.position() + (int) n);
            return (int) n;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * lseek(2) with {@code whence} SEEK_DATA or SEEK_HOLE: the next offset of that kind at or after {@code offset},
     * or -1 when there is none before the end of the file (ENXIO).
     */
    static long seek(int fd, long offset, int whence) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long rc = (long) LSEEK.invokeExact(st, fd, offset, whence);
            if (rc < 0) {
                int e = errno(st);
                if (e == Errno.ENXIO) {
                    return -1;
                }
                throw new VfsException(e, whence == SEEK_DATA ? "lseek SEEK_DATA" : "lseek SEEK_HOLE",
                        "fd " + fd + " at " + offset);
            }
            return rc;
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** fallocate(2) of {@code length} > 0 bytes at {@code offset} with {@code mode}. */
    static void fallocate(int fd, int mode, long offset, long length) throws VfsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            if ((int) FALLOCATE.invokeExact(st, fd, mode, offset, length) < 0) {
                throw new VfsException(errno(st), String.format("fallocate(mode 0x%x)", mode),
                        "fd " + fd + " at " + offset + "+" + length);
            }
        } catch (VfsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The magic link naming exactly the inode {@code fd} holds. */
    static String procPath(int fd) {
        return "/proc/self/fd/" + fd;
    }
}
