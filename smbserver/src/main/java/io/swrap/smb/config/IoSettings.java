package io.swrap.smb.config;

/**
 * The I/O thread pool ({@link io.swrap.smb.io.IoPool}): {@code smbserver:io threads} (1..1024, default 16)
 * threads run blocking file operations, at most {@code smbserver:max queued io requests} (0..65536, default
 * 1024) wait for one; beyond, a connection's next operation waits and the connection is not read meanwhile.
 *
 * <p>16 threads: a thread blocked in the kernel costs only its stack, and 16 keep a disk's queue busy
 * with requests of 16 connections at once; each in-flight READ holds its buffer (up to MaxReadSize, 8 MiB), so
 * the default bounds the pool's read buffers to 128 MiB of the 1 GiB direct memory the start-up script
 * gives. 1024 queued: a queued operation holds no buffer of its own (a WRITE's data are the request, already
 * counted by the connection limits), so the queue only bounds bookkeeping.
 *
 * <p>{@code smbserver:io requests per connection} (1..64, default 4): lone READs and WRITEs (not in a compound) of
 * one connection that may be in the pool at once, answered in the order they complete; any other request waits
 * until they are done, and runs alone. 1: one request of a connection at a time.
 */
public record IoSettings(int threads, int maxQueued, int perConnection) {
    public static final int DEFAULT_PER_CONNECTION = 4;
    public static final int MAX_PER_CONNECTION = 64;
    public static final int DEFAULT_THREADS = 16;
    public static final int MAX_THREADS = 1024;
    public static final int DEFAULT_MAX_QUEUED = 1024;
    public static final int MAX_MAX_QUEUED = 65536;
}
