package io.swrap.smb.state;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The source of FileIds ([MS-SMB2] 2.2.14.1: Persistent and Volatile, both the same value here). A prefork
 * server's workers each hand out FileIds of their own, so that two workers never give out equal ids (the
 * shared file-state records and what a client reconnecting elsewhere presents hold them): as Samba's ids carry
 * the id of the smbd that made them, a worker's ids carry its number (slot + 1) and its pid in the high bits,
 * the pid so that a worker restarted in the slot of a dead one does not give out the dead one's ids again.
 *
 * <pre>
 *  63   62..56         55..34     33..0
 *  0    worker (1..127) pid       counter, from 1
 * </pre>
 * One process (no prefork) has worker 0 and pid 0: its ids are 1, 2, 3, ... The sign bit stays clear, so an
 * id is never -1 (the FileId of "the previous CREATE" in a compound).
 *
 * <p>SessionIds ([MS-SMB2] 2.2.1.2) come from here too, with the same high bits: each worker keeps its own session
 * table, and a logon naming a PreviousSessionId of the same user ends that session (3.3.5.5.3), so equal ids in
 * two workers would let a client reconnecting in one worker end another client's session there (two workers'
 * first sessions were both 0x10001). One process: counter {@code << 16 | 1}, as before (spread so that a stale
 * id is unlikely to hit a new one); a worker: counter {@code << 4 | 1} below its prefix (2^30 logons).
 */
public final class FileIds {
    static final int WORKER_SHIFT = 56;
    static final int PID_SHIFT = 34;
    /** Linux's PID_MAX_LIMIT on 64-bit machines is 2^22. */
    static final long MAX_PID = (1L << (WORKER_SHIFT - PID_SHIFT)) - 1;
    static final int MAX_WORKER = 127;
    static final long MAX_COUNTER = (1L << PID_SHIFT) - 1;

    private final long prefix;
    private final AtomicLong next = new AtomicLong(1);
    private final AtomicLong nextSession = new AtomicLong(1);

    private FileIds(long prefix) {
        this.prefix = prefix;
    }

    /** The ids of the one process of a server without workers. */
    public static FileIds single() {
        return new FileIds(0);
    }

    /**
     * The ids of the worker in {@code slot} (0-based) with process id {@code pid}.
     *
     * @throws IllegalArgumentException if the slot or pid do not fit their fields
     */
    public static FileIds worker(int slot, long pid) {
        if (slot < 0 || slot + 1 > MAX_WORKER) {
            throw new IllegalArgumentException("worker slot " + slot + " outside 0.." + (MAX_WORKER - 1)
                    + " (prefork children is at most 64)");
        }
        if (pid <= 0 || pid > MAX_PID) {
            throw new IllegalArgumentException("pid " + pid + " outside 1.." + MAX_PID
                    + " (Linux's PID_MAX_LIMIT): it cannot be part of a FileId");
        }
        return new FileIds(((long) (slot + 1) << WORKER_SHIFT) | (pid << PID_SHIFT));
    }

    /**
     * A new FileId, never given out before by this source.
     *
     * @throws IllegalStateException after 2^34 - 1 ids (the counter would run into the pid field)
     */
    public long next() {
        long n = next.getAndIncrement();
        if (n > MAX_COUNTER) {
            throw new IllegalStateException("FileIds exhausted: " + MAX_COUNTER + " opens made by this process;"
                    + " restart it");
        }
        return prefix | n;
    }

    /**
     * A new SessionId, never 0 or -1 and never given out before by this source nor by another worker's.
     *
     * @throws IllegalStateException after 2^30 - 1 logons in a worker (the counter would run into the pid field)
     */
    public long nextSessionId() {
        long n = nextSession.getAndIncrement();
        if (prefix == 0) {
            return (n << 16) | 0x1;
        }
        if (n > MAX_COUNTER >> 4) {
            throw new IllegalStateException("SessionIds exhausted: " + (MAX_COUNTER >> 4) + " logons made by this"
                    + " worker; restart it");
        }
        return prefix | (n << 4) | 0x1;
    }

    /** The worker number (slot + 1) in {@code fileId}, 0 for one process. */
    public static int workerOf(long fileId) {
        return (int) (fileId >>> WORKER_SHIFT);
    }
}
