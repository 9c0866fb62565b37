package io.swrap.smb.prefork;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.swrap.shm.Layout;
import io.swrap.shm.SharedTable;
import io.swrap.smb.filestate.Messenger;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Which worker serves which ClientGuid, and how many connections each worker has, in two swrap-shm tables
 * that the master and every worker map: {@code clients.shm} (one record per ClientGuid: owner slot and pid, the
 * peer address of its first connection)
 * and {@code workers.shm} (record i = worker slot i: its pid and live connections). The master routes and
 * counts a connection up; the worker counts it down when it closes and forgets a ClientGuid when its last
 * connection closes; the master forgets every ClientGuid of a worker that died. A process killed while it
 * holds the lock is repaired by the next locker (EOWNERDEAD): records of dead pids are dropped.
 */
public final class ClientGuidTable implements AutoCloseable {
    /** ClientGuids known at once; a new one beyond goes to the least-loaded worker without being recorded. */
    public static final int MAX_CLIENTS = 16_384;
    static final int GUID_BYTES = 16;
    private static final int CLIENTS_SCHEMA = 0x534d_4243; // "SMBC"
    private static final int WORKERS_SCHEMA = 0x534d_4257; // "SMBW"
    private static final long C_PID = 0;
    private static final long C_SLOT = 8;
    private static final long C_GUID = 16;
    private static final long C_PEER = 32;
    private static final int PEER_BYTES = 16;
    private static final long W_PID = 0;
    private static final long W_CONNECTIONS = 8;

    private final SharedTable clients;
    private final SharedTable workers;

    private ClientGuidTable(SharedTable clients, SharedTable workers) {
        this.clients = clients;
        this.workers = workers;
    }

    /** The master: creates both tables in {@code dir}, with one worker record per slot 0..slots-1. */
    static ClientGuidTable create(Path dir, int slots) throws IOException {
        ClientGuidTable t = open(dir);
        t.workers.withLock(() -> {
            while (t.workers.inUse() < slots) {
                t.workers.allocate();
            }
        });
        return t;
    }

    /** A worker: attaches to the master's tables. */
    static ClientGuidTable open(Path dir) throws IOException {
        SharedTable c = SharedTable.open(dir.resolve("clients.shm"), new Layout(MAX_CLIENTS, 48, CLIENTS_SCHEMA, 1),
                (index, rec) -> alive(rec.get(java.lang.foreign.ValueLayout.JAVA_LONG, C_PID)));
        try {
            SharedTable w = SharedTable.open(dir.resolve("workers.shm"),
                    new Layout(io.swrap.smb.config.SmbConfig.Prefork.MAX_CHILDREN, 16, WORKERS_SCHEMA, 1),
                    (index, rec) -> {
                        if (!alive(rec.get(java.lang.foreign.ValueLayout.JAVA_LONG, W_PID))) {
                            rec.set(java.lang.foreign.ValueLayout.JAVA_LONG, W_CONNECTIONS, 0L);
                        }
                        return true; // a slot outlives its processes
                    });
            return new ClientGuidTable(c, w);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A (re)started worker's pid in {@code slot}; its connection count starts at 0. */
    void workerStarted(int slot, long pid) {
        workers.withLock(() -> {
            workers.setLongVolatile(slot, W_CONNECTIONS, 0);
            workers.setLongVolatile(slot, W_PID, pid);
        });
    }

    /**
     * The worker for a new connection from {@code peer}: the owner of {@code guid} if it is {@code attached},
     * else (with {@code byPeer}) the owner of another ClientGuid of {@code peer}, else the attached worker with
     * the fewest connections; that worker then owns {@code guid}. A null {@code guid} (SMB1, 2.0.2) never owns.
     * The chosen worker's count goes up. Returns -1 when no worker is attached.
     */
    int route(byte[] guid, java.net.InetAddress peer, boolean byPeer, IntPredicate attached) {
        return clients.withLock(() -> {
            int owner = guid == null ? -1 : find(guid);
            int slot = owner >= 0 ? clients.getIntVolatile(owner, C_SLOT) : -1;
            if (slot < 0 || !attached.test(slot)) {
                if (owner >= 0) {
                    clients.free(owner);
                }
                byte[] key = peerKey(peer);
                int neighbour = byPeer ? findPeer(key) : -1;
                slot = neighbour >= 0 && attached.test(clients.getIntVolatile(neighbour, C_SLOT))
                        ? clients.getIntVolatile(neighbour, C_SLOT) : leastLoaded(attached);
                if (slot < 0) {
                    return -1;
                }
                if (guid != null && clients.inUse() < clients.capacity()) {
                    int r = clients.allocate();
                    MemorySegment rec = clients.record(r);
                    MemorySegment.copy(guid, 0, rec, JAVA_BYTE, C_GUID, GUID_BYTES);
                    MemorySegment.copy(key, 0, rec, JAVA_BYTE, C_PEER, PEER_BYTES);
                    clients.setIntVolatile(r, C_SLOT, slot);
                    clients.setLongVolatile(r, C_PID, workers.getLongVolatile(slot, W_PID));
                }
            }
            workers.getAndAddLong(slot, W_CONNECTIONS, 1);
            return slot;
        });
    }

    private int leastLoaded(IntPredicate attached) {
        int best = -1;
        long bestCount = Long.MAX_VALUE;
        for (int s = 0; s < workers.inUse(); s++) {
            long n = workers.getLongVolatile(s, W_CONNECTIONS);
            if (attached.test(s) && n < bestCount) {
                best = s;
                bestCount = n;
            }
        }
        return best;
    }

    /** An address as 16 bytes (IPv4 as ::ffff:a.b.c.d). */
    private static byte[] peerKey(java.net.InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == PEER_BYTES) {
            return b;
        }
        byte[] k = new byte[PEER_BYTES];
        k[10] = (byte) 0xFF;
        k[11] = (byte) 0xFF;
        System.arraycopy(b, 0, k, 12, 4);
        return k;
    }

    private int findPeer(byte[] key) {
        return findField(C_PEER, key);
    }

    private int find(byte[] guid) {
        return findField(C_GUID, guid);
    }

    private int findField(long offset, byte[] value) {
        int[] found = {-1};
        byte[] rec = new byte[value.length];
        clients.forEachInUse(i -> {
            if (found[0] < 0) {
                MemorySegment.copy(clients.record(i), JAVA_BYTE, offset, rec, 0, value.length);
                if (Arrays.equals(rec, value)) {
                    found[0] = i;
                }
            }
        });
        return found[0];
    }

    /**
     * The pid of the worker that serves {@code guid} now, or 0 when none does (never seen, or given up): where a
     * message for that client (a break) goes.
     */
    long ownerPid(byte[] guid) {
        return clients.withLock(() -> {
            int i = find(guid);
            return i < 0 ? 0L : clients.getLongVolatile(i, C_PID);
        });
    }

    /** The pid of each worker slot's current (or last) process; 0 for a slot never started. */
    long[] workerPids() {
        long[] pids = new long[workers.inUse()];
        for (int slot = 0; slot < pids.length; slot++) {
            pids[slot] = workers.getLongVolatile(slot, W_PID);
        }
        return pids;
    }

    /** The workers as a {@link Messenger} finds them: a ClientGuid's worker, every worker's pid. */
    public Messenger.Locator locator() {
        return new Messenger.Locator() {
            @Override
            public long workerOf(long clientGuidHi, long clientGuidLo) {
                return ownerPid(ByteBuffer.allocate(GUID_BYTES).putLong(clientGuidHi).putLong(clientGuidLo).array());
            }

            @Override
            public long[] workers() {
                return workerPids();
            }
        };
    }

    /** A connection routed to {@code slot} is gone (closed, or never handed over). */
    void connectionClosed(int slot) {
        workers.getAndAddLong(slot, W_CONNECTIONS, -1);
    }

    /** Worker {@code slot} has no connection of {@code guid} left: the next one may go to any worker. */
    void release(byte[] guid, int slot) {
        clients.withLock(() -> {
            int i = find(guid);
            if (i >= 0 && clients.getIntVolatile(i, C_SLOT) == slot) {
                clients.free(i);
            }
        });
    }

    /** Worker {@code slot} died: it owns no ClientGuid and no connection any more. Returns the ClientGuids forgotten. */
    int forgetWorker(int slot) {
        return clients.withLock(() -> {
            int[] n = {0};
            clients.forEachInUse(i -> {
                if (clients.getIntVolatile(i, C_SLOT) == slot) {
                    clients.free(i);
                    n[0]++;
                }
            });
            workers.setLongVolatile(slot, W_CONNECTIONS, 0);
            return n[0];
        });
    }

    @Override
    public void close() {
        clients.close();
        workers.close();
    }
}
