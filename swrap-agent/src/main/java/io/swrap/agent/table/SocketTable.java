package io.swrap.agent.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.net.DualStack;
import io.swrap.agent.net.SocketName;
import io.swrap.agent.net.UnixSockets;
import io.swrap.shm.Layout;
import io.swrap.shm.ProcessId;
import io.swrap.shm.SharedTable;
import io.swrap.shm.TableFullException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Every wrapped socket of the network, in one swrap-shm table ({@value #FILE_NAME} in the socket
 * directory) that all processes map; this process keeps only its descriptor → index map. A
 * socket passed to another process is the same record there, with one reference per holder.
 *
 * <p>Creation, close and fd-passing take the table lock; bind and connect publish their fields
 * atomically, and reading addresses and counting each read and write take no lock at all.
 */
public final class SocketTable {
    /** The table's file name in the socket directory (C socket_wrapper only reads %c%02X%04X names). */
    public static final String FILE_NAME = "swrap.table";
    /**
     * Test hook, honoured only when set: {@code -Dswrap.test.holdTableLock=N} lets N sockets be
     * created after start-up, then the next one holds the table lock forever (to be killed there).
     */
    public static final String HOLD_LOCK_PROPERTY = "swrap.test.holdTableLock";

    private final SharedTable shared;
    private final TableLock lock;
    private final FdMap fds = new FdMap();
    private final Path dir;
    private final int pid;
    private final String fullMessage;
    /** Sockets still to create before the test hook holds the lock; -1 when off. Read under the lock. */
    private volatile int holdAfter = -1;
    /** Whether this process has run its first locked section (see {@link #firstLock}). */
    private volatile boolean swept;
    /** Null until set; not a no-op lambda, which would spin a class before main. */
    private volatile Runnable sweepNames;

    private SocketTable(SharedTable shared, Path dir, int pid) {
        this.shared = shared;
        this.lock = new TableLock(shared);
        this.dir = dir;
        this.pid = pid;
        this.fullMessage = "too many wrapped sockets (limit " + shared.capacity() + ", SOCKET_WRAPPER_MAX_SOCKETS)";
    }

    /** Opens (or creates) the network's table in {@code dir}, sized {@code capacity} records. */
    public static SocketTable open(Path dir, int capacity) throws IOException {
        int pid = (int) ProcessId.current();
        SharedTable shared;
        Path file = dir.resolve(FILE_NAME);
        try {
            shared = SharedTable.open(file, layout(capacity), new DeadOwners(dir, pid));
        } catch (AccessDeniedException e) {
            throw new IOException(accessDenied(file, e), e);
        } catch (FileSystemException e) {
            throw new IOException(e.getMessage() + ". Every process of one network must run the same agent"
                    + " version with the same SOCKET_WRAPPER_MAX_SOCKETS (this one: " + capacity + ")", e);
        }
        return new SocketTable(shared, dir, pid);
    }

    /** Names the file, its mode and owner, and this process's user: what a second user needs to know. */
    static String accessDenied(Path file, AccessDeniedException e) {
        String mode;
        String owner;
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
            mode = PosixFilePermissions.toString(a.permissions());
            owner = a.owner().getName() + ":" + a.group().getName();
        } catch (IOException statFailed) {
            Path denied = e.getFile() == null ? file : Path.of(e.getFile());
            return denied + ": permission denied (" + statFailed.getMessage() + "); this process runs as "
                    + System.getProperty("user.name") + " and needs to reach and write the socket directory " + file.getParent();
        }
        return file + ": permission denied: mode " + mode + ", owner " + owner + "; this process runs as "
                + System.getProperty("user.name") + " and every process of one network needs read and write"
                + " access to it: run them as one user, or share a group (umask 002 before the first process"
                + " creates the table, or chmod g+w " + file + ")";
    }

    static Layout layout(int capacity) {
        return new Layout(capacity, Records.SIZE, Records.SCHEMA_ID, Records.SCHEMA_VERSION);
    }

    /** Frees the records of processes that died without releasing them; returns how many. */
    public int reclaim() {
        return locked(shared::reclaim);
    }

    /**
     * What to sweep right after the records of dead processes, before this process's first locked
     * section: the socket files nobody holds ({@code FakeNetwork.reclaimStaleNames}).
     */
    public void sweepAtFirstLock(Runnable names) {
        sweepNames = names;
    }

    private <T> T locked(java.util.function.Supplier<T> section) {
        if (!swept) {
            firstLock();
        }
        return lock.call(section);
    }

    /**
     * The start-up sweep, run before this process's first locked section rather than before
     * {@code main}: the mutex needs the JDK's FFM linker (~90 ms and ~350 classes on first use),
     * which a JVM that never opens a socket should not pay. Every record this process could hold
     * is allocated under the lock, so nothing of this process can meet a dead owner's leftovers
     * before the sweep.
     */
    private synchronized void firstLock() {
        if (swept) {
            return;
        }
        int reclaimed = lock.call(shared::reclaim);
        if (reclaimed > 0) {
            SwrapLog.debug("swrap_init", "reclaimed " + reclaimed + " sockets of processes that are gone");
        }
        // after the records, so names freed with them are not counted twice
        Runnable names = sweepNames;
        if (names != null) {
            names.run();
        }
        swept = true;
    }

    /** Makes the socket created after the next {@code after} hold the table lock forever ({@link #HOLD_LOCK_PROPERTY}). */
    public void armHoldLockTestHook(int after) {
        holdAfter = after;
    }

    /** Records a new socket of this process; fails like C (ENFILE) when the table is full. */
    public Handle create(int fd, boolean listener, boolean ipv6) throws SocketException {
        int flags = (listener ? Records.LISTENER : 0) | (ipv6 ? Records.IPV6 : 0);
        return map(fd, allocate(Records.SOCK_STREAM, flags, null, null));
    }

    /** Records a new datagram socket of this process; fails like {@link #create} when the table is full. */
    public Handle createDatagram(int fd, boolean ipv6) throws SocketException {
        return map(fd, allocate(Records.SOCK_DGRAM, ipv6 ? Records.IPV6 : 0, null, null));
    }

    /** Records an accepted connection (or one received whose record is gone) with the addresses given. */
    public Handle adopt(int fd, InetSocketAddress local, InetSocketAddress peer) throws SocketException {
        int flags = Records.ACCEPTED | Records.CONNECTED
                | (local.getAddress() instanceof Inet6Address ? Records.IPV6 : 0);
        return map(fd, allocate(Records.SOCK_STREAM, flags, local, peer));
    }

    private int allocate(int type, int flags, InetSocketAddress local, InetSocketAddress peer)
            throws SocketException {
        int index = locked(() -> {
            int i = allocateOrReclaim();
            if (i >= 0) {
                MemorySegment rec = shared.record(i);
                Records.addRefs(rec, pid, 1);
                rec.set(JAVA_INT, Records.TYPE, type);
                Records.addFlags(rec, flags);
                if (local != null) {
                    Records.setLocal(rec, local);
                }
                if (peer != null) {
                    Records.setPeer(rec, peer);
                }
                if (holdAfter >= 0 && holdAfter-- == 0) {
                    holdForever(i);
                }
            }
            return i;
        });
        if (index < 0) {
            SwrapLog.error("swrap_socket", fullMessage);
            throw new SocketException("Too many open files in system: " + fullMessage);
        }
        return index;
    }

    /** Under the lock: a free record, after reclaiming dead processes' records if full; -1 if none. */
    private int allocateOrReclaim() {
        try {
            return shared.allocate(fullMessage);
        } catch (TableFullException full) {
            return shared.reclaim() > 0 ? shared.allocate(fullMessage) : -1;
        }
    }

    private void holdForever(int index) {
        System.out.println("SWRAP-TEST holding the table lock: pid " + pid + ", socket#" + index);
        System.out.flush();
        while (true) {
            LockSupport.park(this);
        }
    }

    private Handle map(int fd, int index) {
        Handle h = new Handle(index);
        Handle stale = fds.put(fd, h);
        if (stale != null) {
            // the descriptor number was closed behind the agent's back (e.g. by native code) and reused
            unref(stale.index);
        }
        return h;
    }

    /** The socket behind descriptor {@code fd}; null if it is not a wrapped socket of this process. */
    public Handle get(int fd) {
        return fds.get(fd);
    }

    /** Sockets this process holds. */
    public int size() {
        return fds.size();
    }

    /** Records the name and address a socket was bound to (no lock: see {@link Records#addFlags}). */
    public void bound(Handle h, SocketName name, InetSocketAddress local, boolean auto) {
        MemorySegment rec = shared.record(h.index);
        Records.setBoundName(rec, name);
        Records.setLocal(rec, local);
        Records.addFlags(rec, Records.BOUND | (auto ? Records.AUTOBOUND : 0));
    }

    /** Records the peer a socket connected to (no lock: see {@link Records#addFlags}). */
    public void connected(Handle h, InetSocketAddress peer) {
        MemorySegment rec = shared.record(h.index);
        Records.setPeer(rec, peer);
        Records.addFlags(rec, Records.CONNECTED);
    }

    /** A datagram socket's disconnect: it has no peer any more (no lock, as {@link #connected}). */
    public void disconnected(Handle h) {
        Records.removeFlags(shared.record(h.index), Records.CONNECTED | Records.HAS_PEER);
    }

    /** Whether the socket is a datagram (UDP) socket. */
    public boolean datagram(Handle h) {
        return shared.record(h.index).get(JAVA_INT, Records.TYPE) == Records.SOCK_DGRAM;
    }

    /**
     * Replaces a wildcard local address by the interface the socket's name is on: Linux reports
     * the concrete source address of a connected socket (no lock, as {@link #bound}).
     */
    public void localConcrete(Handle h, InetSocketAddress local) {
        Records.setLocal(shared.record(h.index), local);
    }

    /** The fake local address; null before bind/connect. */
    public InetSocketAddress localAddress(Handle h) {
        return Records.local(shared.record(h.index));
    }

    /** The fake peer address; null when not connected. */
    public InetSocketAddress peerAddress(Handle h) {
        return Records.peer(shared.record(h.index));
    }

    /** The fake interface of the local address (its last byte, as for both families), 0 before bind (link emulation). */
    public int localIface(Handle h) {
        return iface(h, Records.HAS_LOCAL, Records.LOCAL_ADDR);
    }

    /** The fake interface of the peer address, 0 when not connected (link emulation). */
    public int peerIface(Handle h) {
        return iface(h, Records.HAS_PEER, Records.PEER_ADDR);
    }

    private int iface(Handle h, int flag, long addrAt) {
        MemorySegment rec = shared.record(h.index);
        if ((Records.flags(rec) & flag) == 0) {
            return 0;
        }
        int iface = rec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, addrAt + 15) & 0xFF;
        return iface <= 64 ? iface : 0;
    }

    /** The file name the socket holds; null if none (unbound, or accepted: the listener holds it). */
    public SocketName boundName(Handle h) {
        return Records.boundName(shared.record(h.index));
    }

    /** Whether the socket holds a name (no allocation: on every datagram's path). */
    public boolean named(Handle h) {
        return shared.record(h.index).get(JAVA_INT, Records.BOUND_NAME) != 0;
    }

    public boolean listener(Handle h) {
        return (shared.getIntVolatile(h.index, Records.FLAGS) & Records.LISTENER) != 0;
    }

    public boolean ipv6(Handle h) {
        return (shared.getIntVolatile(h.index, Records.FLAGS) & Records.IPV6) != 0;
    }

    /**
     * Whether {@code inode} (of the descriptor about to be passed) is this record's socket. The
     * first pass records it — learnt then rather than on the path of every socket creation — and
     * the receiver checks what it got against it. A mismatch means the descriptor number was
     * closed natively behind the agent and reused for another socket.
     */
    public boolean sameSocket(Handle h, long inode) {
        return inode > 0 && (shared.compareAndSetLong(h.index, Records.INODE, 0, inode)
                || shared.getLongVolatile(h.index, Records.INODE) == inode);
    }

    /** Counts a successful read; atomic adds only, no lock. */
    public void countRead(int fd, long bytes) {
        Handle h = fds.get(fd);
        if (h != null && bytes > 0) {
            shared.getAndAddLong(h.index, Records.RX_BYTES, bytes);
            shared.getAndAddLong(h.index, Records.RX_CALLS, 1);
        }
    }

    /** Counts a successful write; atomic adds only, no lock. */
    public void countWrite(int fd, long bytes) {
        Handle h = fds.get(fd);
        if (h != null && bytes > 0) {
            shared.getAndAddLong(h.index, Records.TX_BYTES, bytes);
            shared.getAndAddLong(h.index, Records.TX_CALLS, 1);
        }
    }

    /**
     * Forgets {@code fd}, which is about to be closed, and drops its reference; the last
     * reference in the network frees the record and unlinks the name it held.
     */
    public Handle release(int fd) {
        Handle h = fds.remove(fd);
        if (h != null) {
            unref(h.index);
        }
        return h;
    }

    private void unref(int index) {
        SocketName name = locked(() -> {
            MemorySegment rec = shared.record(index);
            Records.addRefs(rec, pid, -1);
            return freeIfUnused(index, rec);
        });
        unlink(name);
    }

    /** Under the lock: frees the record if nothing holds it any more; returns the name to unlink. */
    private SocketName freeIfUnused(int index, MemorySegment rec) {
        if (Records.inUse(rec)) {
            return null;
        }
        SocketName name = Records.boundName(rec);
        rec.fill((byte) 0);
        shared.free(index);
        return name;
    }

    /**
     * At exit: drops every reference of this process (descriptors and messages it sent). Records
     * still travelling to a receiver stay for it to take over.
     */
    public void releaseAll() {
        fds.clear();
        if (!swept) {
            return; // never locked: every reference is taken under the lock, so this process holds none
        }
        List<SocketName> names = locked(() -> {
            List<SocketName> out = new ArrayList<>();
            shared.forEachInUse(i -> {
                MemorySegment rec = shared.record(i);
                if (Records.refs(rec, pid) > 0) {
                    Records.dropOwner(rec, pid);
                    SocketName name = freeIfUnused(i, rec);
                    if (name != null) {
                        out.add(name);
                    }
                }
            });
            return out;
        });
        names.forEach(this::unlink);
    }

    /**
     * fd-passing, sender side: {@code delta} references of {@code handles} set off in (+1) or
     * came back from (-1, the send failed) a message. The sender holds them until the receiver
     * takes them over, so a sender closing its copy right after sending frees nothing.
     */
    public void inFlight(List<Handle> handles, int delta) {
        List<SocketName> names = locked(() -> {
            List<SocketName> out = new ArrayList<>();
            for (Handle h : handles) {
                MemorySegment rec = shared.record(h.index);
                Records.addRefs(rec, pid, delta);
                rec.set(JAVA_INT, Records.INFLIGHT, Math.max(0, rec.get(JAVA_INT, Records.INFLIGHT) + delta));
                SocketName name = delta < 0 ? freeIfUnused(h.index, rec) : null;
                if (name != null) {
                    out.add(name);
                }
            }
            return out;
        });
        names.forEach(this::unlink);
    }

    /**
     * fd-passing, receiver side: attaches received descriptor {@code fd} to record {@code index},
     * taking over the reference {@code sender} sent with it.
     *
     * @return false if that record no longer describes this socket (the sender died and its
     *     records were reclaimed before the message arrived)
     * @throws SocketException if {@value Records#OWNER_SLOTS} processes hold the record already
     */
    public boolean attach(int fd, int index, long inode, int sender) throws SocketException {
        if (index < 0 || index >= shared.capacity()) {
            return false;
        }
        Boolean attached = locked(() -> {
            MemorySegment rec = shared.record(index);
            if (!Records.inUse(rec) || rec.get(JAVA_LONG, Records.INODE) != inode) {
                return false;
            }
            if (!Records.addRefs(rec, pid, 1)) {
                return null;
            }
            int inflight = rec.get(JAVA_INT, Records.INFLIGHT);
            if (inflight > 0) {
                rec.set(JAVA_INT, Records.INFLIGHT, inflight - 1);
                Records.addRefs(rec, sender, -1);
            }
            return true;
        });
        if (attached == null) {
            throw new SocketException("Too many open files in system: socket#" + index + " is held by "
                    + Records.OWNER_SLOTS + " processes already, the most one record of " + shared.path()
                    + " can name; close it in one of them first");
        }
        if (attached) {
            map(fd, index);
        }
        return attached;
    }

    // pcap: the other end of a connection or datagram between two wrapped sockets, so that only one
    // side writes each packet and acknowledgement numbers follow what the other side has written.

    /** The record of a socket bound to {@code name} (listener, client, UDP), or -1: not a wrapped socket. */
    public int findBound(SocketName name) {
        int packed = name.type() << 24 | name.iface() << 16 | name.port();
        for (int i = 0; i < shared.capacity(); i++) {
            if (shared.getIntVolatile(i, Records.BOUND_NAME) == packed) {
                return i;
            }
        }
        return -1;
    }

    /** The accepted record whose ends are {@code local} and {@code peer} as that side sees them, or -1. */
    public int findAccepted(InetSocketAddress local, InetSocketAddress peer) {
        byte[] l = Records.v6(local);
        byte[] p = Records.v6(peer);
        for (int i = 0; i < shared.capacity(); i++) {
            if ((shared.getIntVolatile(i, Records.FLAGS) & Records.ACCEPTED) != 0
                    && shared.getIntVolatile(i, Records.LOCAL_PORT) == local.getPort()
                    && shared.getIntVolatile(i, Records.PEER_PORT) == peer.getPort()) {
                MemorySegment rec = shared.record(i);
                if (Records.sameAddress(rec, Records.LOCAL_ADDR, l) && Records.sameAddress(rec, Records.PEER_ADDR, p)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** What identifies record {@code index} while it lives (its name, or an accepted one's ports); 0 when free. */
    public long identity(int index) {
        int flags = shared.getIntVolatile(index, Records.FLAGS);
        if (flags == 0) {
            return 0;
        }
        if ((flags & Records.ACCEPTED) != 0) {
            return 1L << 40 | (long) shared.getIntVolatile(index, Records.LOCAL_PORT) << 16
                    | shared.getIntVolatile(index, Records.PEER_PORT);
        }
        return shared.getIntVolatile(index, Records.BOUND_NAME) & 0xFFFFFFFFL;
    }

    /** The bytes record {@code index} has written so far (counted after each write's capture). */
    public long txBytes(int index) {
        return shared.getLongVolatile(index, Records.TX_BYTES);
    }

    /** The bytes record {@code index} has read so far. */
    public long rxBytes(int index) {
        return shared.getLongVolatile(index, Records.RX_BYTES);
    }

    // faults: flags set from outside the processes (swrap link|kill|blackhole, SwrapNetwork), read
    // with one plain load on every read and write of a wrapped stream socket.

    /** The fault flags of {@code h}'s record ({@link io.swrap.agent.faults.Faults}); 0 almost always. */
    public int faults(Handle h) {
        return shared.getIntVolatile(h.index, Records.FAULTS);
    }

    /** Sets ({@code on}) or clears fault {@code bits} of record {@code index} atomically; false if it is free. */
    public boolean setFaults(int index, int bits, boolean on) {
        checkIndex(index);
        int old;
        do {
            old = shared.getIntVolatile(index, Records.FAULTS);
            if (!Records.inUse(shared.record(index))) {
                return false;
            }
        } while (!shared.compareAndSetInt(index, Records.FAULTS, old, on ? old | bits : old & ~bits));
        return true;
    }

    /** The connected stream record at the other end of record {@code index} (a wrapped Java peer), or -1. */
    public int otherEnd(int index) {
        checkIndex(index);
        MemorySegment me = shared.record(index);
        int flags = Records.flags(me);
        if ((flags & Records.HAS_LOCAL) == 0 || (flags & Records.HAS_PEER) == 0
                || me.get(JAVA_INT, Records.TYPE) != Records.SOCK_STREAM) {
            return -1;
        }
        byte[] local = me.asSlice(Records.LOCAL_ADDR, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        byte[] peer = me.asSlice(Records.PEER_ADDR, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int localPort = me.get(JAVA_INT, Records.LOCAL_PORT);
        int peerPort = me.get(JAVA_INT, Records.PEER_PORT);
        for (int i = 0; i < shared.capacity(); i++) {
            if (i == index || (shared.getIntVolatile(i, Records.FLAGS) & Records.HAS_PEER) == 0
                    || shared.getIntVolatile(i, Records.LOCAL_PORT) != peerPort
                    || shared.getIntVolatile(i, Records.PEER_PORT) != localPort) {
                continue;
            }
            MemorySegment rec = shared.record(i);
            if (rec.get(JAVA_INT, Records.TYPE) == Records.SOCK_STREAM && Records.sameAddress(rec, Records.LOCAL_ADDR, peer)
                    && Records.sameAddress(rec, Records.PEER_ADDR, local)) {
                return i;
            }
        }
        return -1;
    }

    /** The connected stream records with an end on fake interface {@code iface} (IPv4 or IPv6). */
    public List<Integer> connectionsOn(int iface) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < shared.capacity(); i++) {
            int flags = shared.getIntVolatile(i, Records.FLAGS);
            MemorySegment rec = shared.record(i);
            if ((flags & Records.CONNECTED) != 0 && rec.get(JAVA_INT, Records.TYPE) == Records.SOCK_STREAM
                    && (Records.onInterface(rec, Records.LOCAL_ADDR, iface) || Records.onInterface(rec, Records.PEER_ADDR, iface))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Changes whenever {@code swrap.links.down} is rewritten (see {@link #linksChanged}); one memory read. */
    public int linksGeneration() {
        return shared.generation();
    }

    /** Announces a rewritten {@code swrap.links.down} to every process: they read it again at their next connect. */
    public void linksChanged() {
        shared.bumpGeneration();
    }

    /** This process's wrapped descriptors whose record has any of fault {@code bits}. */
    public List<Integer> descriptorsWith(int bits) {
        List<Integer> out = new ArrayList<>();
        // a class, not a lambda: the fault watcher asks 100 ms after start, in every JVM
        fds.forEach(new java.util.function.BiConsumer<Integer, Handle>() {
            @Override
            public void accept(Integer fd, Handle h) {
                if ((shared.getIntVolatile(h.index, Records.FAULTS) & bits) != 0) {
                    out.add(fd);
                }
            }
        });
        return out;
    }

    public int capacity() {
        return shared.capacity();
    }

    /** Unmaps the table (a control process, such as swrap link|kill|blackhole, is done with it). */
    public void close() {
        shared.close();
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= shared.capacity()) {
            throw new IllegalArgumentException("no socket #" + index + ": the table of " + dir + " has "
                    + shared.capacity() + " records (swrap ls shows their IDX)");
        }
    }

    /** Opens the existing table of the network in {@code dir}, at the capacity its header gives. */
    public static SocketTable openExisting(Path dir) throws IOException {
        return open(dir, TableSnapshot.capacity(dir.resolve(FILE_NAME)));
    }

    private void unlink(SocketName name) {
        if (name == null) {
            return;
        }
        Path path = dir.resolve(name.fileName());
        DualStack.unlinkTwin(path);
        if (UnixSockets.unlink(path)) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            SwrapLog.error("swrap_close", "cannot unlink " + path + ": " + e);
        }
    }
}
