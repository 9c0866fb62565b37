package io.swrap.smb.vfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.List;

/**
 * An open named stream ({@link NamedStreams}): its data are one xattr value of the base file, read and
 * rewritten whole (a stream is at most {@code maxSize} bytes); everything else (times, attributes, the ACL, EAs)
 * is the base file's. It stats as a regular file of the stream's size with the base file's id.
 */
public final class StreamHandle implements Vfs.Handle {
    private final Vfs.Handle base;
    private final String xattr;
    private final String key;
    private final int maxSize;
    /** A new stream not written yet: it reads as empty until {@link #create} (after the CREATE's checks). */
    private volatile boolean pending;

    StreamHandle(Vfs.Handle base, String xattr, String key, int maxSize, boolean pending) {
        this.base = base;
        this.xattr = xattr;
        this.key = key;
        this.maxSize = maxSize;
        this.pending = pending;
    }

    /** Whether the stream is still to be made by {@link #create}. */
    public boolean isPending() {
        return pending;
    }

    /** Creates the stream, empty, unless it exists. */
    public void create() throws VfsException {
        synchronized (base) {
            if (pending) {
                if (!base.setXattr(xattr, new byte[1])) {
                    throw new VfsException(Errno.ENOTSUP, "setxattr " + xattr, "the share's file system keeps no"
                            + " user extended attributes, where named streams are kept");
                }
                pending = false;
            }
        }
    }

    /** The base file's handle (its stream list, its attributes). */
    public Vfs.Handle base() {
        return base;
    }

    /** The stream's name as kept (the case its creator gave it). */
    public String name() {
        return xattr.substring(NamedStreams.PREFIX.length(), xattr.length() - NamedStreams.DATA.length());
    }

    /** The stream's name as the server's tables key it (lower case). */
    public String key() {
        return key;
    }

    /** The stream's data; a stream removed meanwhile reads as ENOENT. */
    private byte[] data() throws VfsException {
        if (pending) {
            return new byte[0];
        }
        byte[] v = base.getXattr(xattr, maxSize + 1);
        if (v == null) {
            throw new VfsException(Errno.ENOENT, "getxattr " + xattr, "the stream was removed");
        }
        return v.length == 0 ? v : Arrays.copyOf(v, v.length - 1);
    }

    private void store(byte[] data) throws VfsException {
        if (data.length > maxSize) {
            throw new VfsException(Errno.ENOSPC, "setxattr " + xattr, data.length + " bytes of stream data (at most "
                    + maxSize + ", smbserver:max stream size)");
        }
        if (!base.setXattr(xattr, Arrays.copyOf(data, data.length + 1))) {
            throw new VfsException(Errno.ENOTSUP, "setxattr " + xattr, "no user extended attributes");
        }
    }

    @Override
    public Stat stat() throws VfsException {
        Stat s = base.stat();
        int regular = (s.mode() & 07777) | 0100000;
        return new Stat(s.dev(), s.ino(), regular, s.nlink(), s.uid(), s.gid(), data().length, s.atime(), s.mtime(),
                s.ctime(), s.btime());
    }

    @Override
    public FileChannel channel(boolean write) {
        return new Channel();
    }

    @Override
    public List<String> list() throws VfsException {
        throw new VfsException(Errno.ENOTDIR, "list", "a stream is no directory");
    }

    @Override
    public int read(ByteBuffer dst, long offset) throws VfsException {
        synchronized (base) {
            byte[] d = data();
            if (offset >= d.length) {
                return 0;
            }
            int n = (int) Math.min(dst.remaining(), d.length - offset);
            dst.put(d, (int) offset, n);
            return n;
        }
    }

    @Override
    public int write(ByteBuffer src, long offset) throws VfsException {
        synchronized (base) {
            byte[] d = data();
            int n = src.remaining();
            if (offset + n > maxSize) {
                throw new VfsException(Errno.ENOSPC, "write " + xattr, "a stream of " + (offset + n)
                        + " bytes (at most " + maxSize + ", smbserver:max stream size)");
            }
            if (offset + n > d.length) {
                d = Arrays.copyOf(d, (int) offset + n);
            }
            src.get(d, (int) offset, n);
            store(d);
            return n;
        }
    }

    private void truncate(long size) throws VfsException {
        synchronized (base) {
            byte[] d = data();
            if (size < d.length) {
                store(Arrays.copyOf(d, (int) size));
            }
        }
    }

    @Override
    public List<long[]> dataRanges(long from, long end, int max) throws VfsException {
        long size = data().length;
        return from < Math.min(size, end) && max > 0 ? List.of(new long[] {from, Math.min(size, end) - from}) : List.of();
    }

    @Override
    public void punchHole(long offset, long length) throws VfsException {
        synchronized (base) {
            byte[] d = data();
            if (offset < d.length) {
                Arrays.fill(d, (int) offset, (int) Math.min(d.length, offset + Math.min(length, d.length)), (byte) 0);
                store(d);
            }
        }
    }

    @Override
    public void setTimes(long atime, long mtime) throws VfsException {
        base.setTimes(atime, mtime);
    }

    @Override
    public byte[] getXattr(String name, int max) throws VfsException {
        return base.getXattr(name, max);
    }

    @Override
    public boolean setXattr(String name, byte[] value) throws VfsException {
        return base.setXattr(name, value);
    }

    @Override
    public List<String> listXattrs(int maxBytes) throws VfsException {
        return base.listXattrs(maxBytes);
    }

    @Override
    public boolean removeXattr(String name) throws VfsException {
        return base.removeXattr(name);
    }

    @Override
    public void close() {
        base.close();
    }

    /** The data channel of a stream open: size, truncate and positional I/O on the xattr value. */
    private final class Channel extends FileChannel {
        private long position;

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = StreamHandle.this.read(dst, position);
            position += n;
            return n == 0 && dst.hasRemaining() ? -1 : n;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = read(dsts[i]);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = StreamHandle.this.write(src, position);
            position += n;
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public FileChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() throws IOException {
            return data().length;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            StreamHandle.this.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) {
            // each write is one setxattr: nothing is buffered here
        }

        @Override
        public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, maxSize));
            StreamHandle.this.read(b, pos);
            b.flip();
            return target.write(b);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, maxSize));
            src.read(b);
            b.flip();
            return StreamHandle.this.write(b, pos);
        }

        @Override
        public int read(ByteBuffer dst, long pos) throws IOException {
            int n = StreamHandle.this.read(dst, pos);
            return n == 0 && dst.hasRemaining() ? -1 : n;
        }

        @Override
        public int write(ByteBuffer src, long pos) throws IOException {
            return StreamHandle.this.write(src, pos);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long pos, long size) throws IOException {
            throw new IOException("a named stream (an xattr value) cannot be mapped");
        }

        @Override
        public FileLock lock(long pos, long size, boolean shared) throws IOException {
            throw new IOException("a named stream has no POSIX locks (SMB byte-range locks are the server's)");
        }

        @Override
        public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
            throw new IOException("a named stream has no POSIX locks (SMB byte-range locks are the server's)");
        }

        @Override
        protected void implCloseChannel() {
            // the base file's descriptor belongs to the stream's handle
        }
    }
}
