package io.swrap.smb.state;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.swrap.shm.Layout;
import io.swrap.shm.SharedTable;
import io.swrap.smb.filestate.OwnerId;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The GlobalSessionTable of a prefork server ([MS-SMB2] 3.3.1.5; Samba's smbXsrv_session_global.tdb): one
 * record per established session of any worker in a swrap-shm table ({@code sessions.shm} in the master's
 * directory) under its robust mutex, holding what a connection in another worker needs to judge a bind or a
 * PreviousSessionId naming it — the owner's pid, dialect, cipher, signing algorithm and key, user — never the
 * session itself, which stays on its connection's event loop in its own process. The owner adds a record when a
 * session is established and removes it when the session ends; the master drops the records of a worker that
 * died, and the next locker those of a process killed holding the lock (EOWNERDEAD).
 *
 * <p>Bounded by {@code smbserver:prefork max sessions}: a session established while the table is full is logged
 * and works in its own worker, but other workers do not know it (a bind naming it from another ClientGuid is
 * answered as for an unknown session, and a PreviousSessionId naming it from another worker ends nothing).
 */
public final class SharedSessions implements AutoCloseable {
    /** The table's file in the master's directory. */
    public static final String FILE = "sessions.shm";
    /** UTF-8 bytes of a user name that a record holds: a longer name's session is not shared (logged). */
    static final int MAX_USER_BYTES = 256;
    /** Session.SigningKey bytes: 16 for every dialect; room for a longer key. */
    static final int MAX_KEY_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(SharedSessions.class.getName());
    private static final int SCHEMA = 0x534d_4253; // "SMBS"
    private static final long PID = 0;
    private static final long ID = 8;
    private static final long DIALECT = 16;
    private static final long CIPHER = 20;
    private static final long ALGORITHM = 24;
    private static final long KEY_LENGTH = 28;
    private static final long KEY = 32;
    private static final long USER_LENGTH = KEY + MAX_KEY_BYTES;
    private static final long USER = USER_LENGTH + 4;
    private static final int RECORD = (int) (USER + MAX_USER_BYTES);

    private final SharedTable table;
    /** One warning per filling of the table, not one per session. */
    private final AtomicBoolean fullLogged = new AtomicBoolean();

    private SharedSessions(SharedTable table) {
        this.table = table;
    }

    /**
     * Maps the table of {@code dir}, creating it if absent (the master first, then each worker).
     *
     * @param capacity {@code smbserver:prefork max sessions}: the same in every process of one server
     */
    public static SharedSessions open(Path dir, int capacity) throws IOException {
        return new SharedSessions(SharedTable.open(dir.resolve(FILE), new Layout(capacity, RECORD, SCHEMA, 1),
                (index, rec) -> alive(rec.get(JAVA_LONG, PID))));
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Records {@code g}, a session of this process, replacing its earlier record (a re-authentication). */
    public void put(SessionGlobal g) {
        byte[] user = g.user().getBytes(StandardCharsets.UTF_8);
        byte[] key = g.signingKey();
        if (user.length > MAX_USER_BYTES || key.length > MAX_KEY_BYTES) {
            LOG.warning("pid " + OwnerId.SELF_PID + ": session 0x" + Long.toHexString(g.id()) + " is not shared"
                    + " with the other workers: its user name takes " + user.length + " bytes of UTF-8 (at most "
                    + MAX_USER_BYTES + "), its signing key " + key.length + " bytes (at most " + MAX_KEY_BYTES + ")");
            return;
        }
        table.withLock(() -> {
            int i = find(g.id());
            if (i < 0) {
                if (table.inUse() >= table.capacity()) {
                    if (!fullLogged.getAndSet(true)) {
                        LOG.warning("pid " + OwnerId.SELF_PID + ": session 0x" + Long.toHexString(g.id())
                                + " is not shared with the other workers: " + table.capacity() + " sessions are"
                                + " established (smbserver:prefork max sessions); binds and PreviousSessionIds"
                                + " from other workers do not find it");
                    }
                    return;
                }
                i = table.allocate();
            }
            MemorySegment r = table.record(i);
            r.fill((byte) 0);
            r.set(JAVA_LONG, ID, g.id());
            r.set(JAVA_INT, DIALECT, g.dialect());
            r.set(JAVA_INT, CIPHER, g.cipherId());
            r.set(JAVA_INT, ALGORITHM, g.signingAlgorithm());
            r.set(JAVA_INT, KEY_LENGTH, key.length);
            MemorySegment.copy(key, 0, r, JAVA_BYTE, KEY, key.length);
            r.set(JAVA_INT, USER_LENGTH, user.length);
            MemorySegment.copy(user, 0, r, JAVA_BYTE, USER, user.length);
            r.set(JAVA_LONG, PID, OwnerId.SELF_PID); // last: a record without its pid is nobody's
        });
    }

    /** Removes the record of session {@code id} if this process holds it. */
    public void remove(long id) {
        table.withLock(() -> {
            int i = find(id);
            if (i >= 0 && table.record(i).get(JAVA_LONG, PID) == OwnerId.SELF_PID) {
                table.free(i);
                fullLogged.set(false);
            }
        });
    }

    /** Session {@code id} as its owner recorded it (its {@link SessionGlobal#session()} null), or null. */
    public SessionGlobal get(long id) {
        return table.withLock(() -> {
            int i = find(id);
            if (i < 0) {
                return null;
            }
            MemorySegment r = table.record(i);
            int keyLength = r.get(JAVA_INT, KEY_LENGTH);
            int userLength = r.get(JAVA_INT, USER_LENGTH);
            if (keyLength < 0 || keyLength > MAX_KEY_BYTES || userLength < 0 || userLength > MAX_USER_BYTES) {
                throw new IllegalStateException(table.path() + " record " + i + " of session 0x"
                        + Long.toHexString(id) + ": key of " + keyLength + " bytes, user of " + userLength
                        + " (expected: at most " + MAX_KEY_BYTES + " and " + MAX_USER_BYTES + ")");
            }
            byte[] key = new byte[keyLength];
            MemorySegment.copy(r, JAVA_BYTE, KEY, key, 0, keyLength);
            byte[] user = new byte[userLength];
            MemorySegment.copy(r, JAVA_BYTE, USER, user, 0, userLength);
            return new SessionGlobal(id, r.get(JAVA_INT, DIALECT), r.get(JAVA_INT, CIPHER),
                    r.get(JAVA_INT, ALGORITHM), key, new String(user, StandardCharsets.UTF_8), null,
                    r.get(JAVA_LONG, PID));
        });
    }

    /** A worker died: its sessions died with it. Returns how many records were dropped. */
    public int purgeProcess(long pid) {
        return table.withLock(() -> {
            int[] n = {0};
            table.forEachInUse(i -> {
                if (table.record(i).get(JAVA_LONG, PID) == pid) {
                    table.free(i);
                    n[0]++;
                }
            });
            return n[0];
        });
    }

    /** Records held (for tests and diagnostics). */
    public int size() {
        return table.withLock(table::inUse);
    }

    /** The record of session {@code id} that has its owner's pid (one being written has none), or -1. */
    private int find(long id) {
        int[] found = {-1};
        table.forEachInUse(i -> {
            MemorySegment r = table.record(i);
            if (found[0] < 0 && r.get(JAVA_LONG, ID) == id && r.get(JAVA_LONG, PID) != 0) {
                found[0] = i;
            }
        });
        return found[0];
    }

    @Override
    public void close() {
        table.close();
    }

    @Override
    public String toString() {
        return "session table " + table.path();
    }
}
