package io.swrap.agent.table;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.swrap.agent.net.SocketName;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The layout of one wrapped socket in the shared table (the payload of a swrap-shm record), and
 * its accessors. Every field except the counters is written under the table lock; the counters
 * are only ever changed by atomic adds, so the I/O path never takes the lock.
 *
 * <pre>
 * offset size field
 *      0    4 flags        IPV6 family, LISTENER, BOUND, AUTOBOUND, CONNECTED, ACCEPTED, HAS_LOCAL, HAS_PEER
 *      4    4 type         1 = SOCK_STREAM, 2 = SOCK_DGRAM
 *      8    8 inode        of the AF_UNIX socket (/proc/PID/fd/N -> socket:[inode]), set by its first pass
 *     16    4 boundName    the file name it holds: type letter &lt;&lt; 24 | iface &lt;&lt; 16 | port; 0 = none
 *     20    4 inflight     references travelling in fd-passing messages, not yet received
 *     24    4 localPort    28 4 peerPort
 *     32   16 localAddr    48 16 peerAddr   (16 bytes; IPv4 as ::ffff:a.b.c.d)
 *     64   64 owners       8 x {pid:int, refs:int}; refs = this process's descriptors + messages it sent
 *    128    8 txBytes     136 8 rxBytes    144 8 txCalls    152 8 rxCalls
 *    160    4 faults       BLACKHOLE, LINK_DOWN, RESET: set from outside (swrap link|kill|blackhole), honoured by I/O
 *    164    4 (reserved)
 * </pre>
 *
 * A record is in use while it has an owner or a reference in flight; a freed record is all zero
 * (so {@link #inUse} tells records apart without the swrap-shm slot state).
 */
final class Records {
    static final int SCHEMA_ID = 0x53574b54; // "SWKT": swrap socket table
    static final int SCHEMA_VERSION = 2;
    static final int SIZE = 168;

    static final int IPV6 = 1;
    static final int LISTENER = 1 << 1;
    static final int BOUND = 1 << 2;
    static final int AUTOBOUND = 1 << 3;
    static final int CONNECTED = 1 << 4;
    static final int ACCEPTED = 1 << 5;
    static final int HAS_LOCAL = 1 << 6;
    static final int HAS_PEER = 1 << 7;

    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;

    static final long FLAGS = 0;
    static final long TYPE = 4;
    static final long INODE = 8;
    static final long BOUND_NAME = 16;
    static final long INFLIGHT = 20;
    static final long LOCAL_PORT = 24;
    static final long PEER_PORT = 28;
    static final long LOCAL_ADDR = 32;
    static final long PEER_ADDR = 48;
    static final long OWNERS = 64;
    static final int OWNER_SLOTS = 8;
    static final long TX_BYTES = 128;
    static final long RX_BYTES = 136;
    static final long TX_CALLS = 144;
    static final long RX_CALLS = 152;
    static final long FAULTS = 160;

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private Records() {
    }

    static int flags(MemorySegment rec) {
        return (int) INT.getVolatile(rec, FLAGS);
    }

    /**
     * Sets flags atomically (CAS), so bind and connect need no lock. HAS_LOCAL and HAS_PEER are
     * set after the address they announce is written: a reader that sees the flag sees the address.
     */
    static void addFlags(MemorySegment rec, int flags) {
        int old;
        do {
            old = flags(rec);
        } while (!INT.compareAndSet(rec, FLAGS, old, old | flags));
    }

    /** Clears flags atomically (CAS): a datagram socket's disconnect. */
    static void removeFlags(MemorySegment rec, int flags) {
        int old;
        do {
            old = flags(rec);
        } while (!INT.compareAndSet(rec, FLAGS, old, old & ~flags));
    }

    static boolean inUse(MemorySegment rec) {
        return hasOwners(rec) || rec.get(JAVA_INT, INFLIGHT) > 0;
    }

    static boolean hasOwners(MemorySegment rec) {
        for (int s = 0; s < OWNER_SLOTS; s++) {
            if (rec.get(JAVA_INT, OWNERS + s * 8L) != 0) {
                return true;
            }
        }
        return false;
    }

    /** This process's references, 0 if it is not an owner. */
    static int refs(MemorySegment rec, int pid) {
        for (int s = 0; s < OWNER_SLOTS; s++) {
            if (rec.get(JAVA_INT, OWNERS + s * 8L) == pid) {
                return rec.get(JAVA_INT, OWNERS + s * 8L + 4);
            }
        }
        return 0;
    }

    /**
     * Adds {@code delta} to the references of {@code pid}, taking a free owner slot if needed and
     * giving it back at zero. Returns false when all {@value #OWNER_SLOTS} slots are taken.
     */
    static boolean addRefs(MemorySegment rec, int pid, int delta) {
        int free = -1;
        for (int s = 0; s < OWNER_SLOTS; s++) {
            long at = OWNERS + s * 8L;
            int owner = rec.get(JAVA_INT, at);
            if (owner == pid) {
                int refs = Math.max(0, rec.get(JAVA_INT, at + 4) + delta);
                rec.set(JAVA_INT, at + 4, refs);
                if (refs == 0) {
                    rec.set(JAVA_INT, at, 0);
                }
                return true;
            }
            if (owner == 0 && free < 0) {
                free = s;
            }
        }
        if (delta <= 0) {
            return true;
        }
        if (free < 0) {
            return false;
        }
        rec.set(JAVA_INT, OWNERS + free * 8L + 4, delta);
        rec.set(JAVA_INT, OWNERS + free * 8L, pid);
        return true;
    }

    /** Drops every reference of {@code pid}. */
    static void dropOwner(MemorySegment rec, int pid) {
        for (int s = 0; s < OWNER_SLOTS; s++) {
            long at = OWNERS + s * 8L;
            if (rec.get(JAVA_INT, at) == pid) {
                rec.set(JAVA_LONG, at, 0);
            }
        }
    }

    /** The owning pids, 0 for an empty slot. */
    static int[] owners(MemorySegment rec) {
        int[] pids = new int[OWNER_SLOTS];
        for (int s = 0; s < OWNER_SLOTS; s++) {
            pids[s] = rec.get(JAVA_INT, OWNERS + s * 8L);
        }
        return pids;
    }

    static int ownerRefs(MemorySegment rec, int slot) {
        return rec.get(JAVA_INT, OWNERS + slot * 8L + 4);
    }

    static void clearOwner(MemorySegment rec, int slot) {
        rec.set(JAVA_LONG, OWNERS + slot * 8L, 0);
    }

    static SocketName boundName(MemorySegment rec) {
        int packed = rec.get(JAVA_INT, BOUND_NAME);
        return packed == 0 ? null : new SocketName((char) (packed >>> 24), (packed >>> 16) & 0xff, packed & 0xffff);
    }

    static void setBoundName(MemorySegment rec, SocketName name) {
        rec.set(JAVA_INT, BOUND_NAME, name.type() << 24 | name.iface() << 16 | name.port());
    }

    static InetSocketAddress local(MemorySegment rec) {
        return (flags(rec) & HAS_LOCAL) == 0 ? null : address(rec, LOCAL_ADDR, LOCAL_PORT);
    }

    static InetSocketAddress peer(MemorySegment rec) {
        return (flags(rec) & HAS_PEER) == 0 ? null : address(rec, PEER_ADDR, PEER_PORT);
    }

    static void setLocal(MemorySegment rec, InetSocketAddress a) {
        setAddress(rec, LOCAL_ADDR, LOCAL_PORT, a);
        addFlags(rec, HAS_LOCAL);
    }

    static void setPeer(MemorySegment rec, InetSocketAddress a) {
        setAddress(rec, PEER_ADDR, PEER_PORT, a);
        addFlags(rec, HAS_PEER);
    }

    /** An address as the table stores it: 16 bytes, IPv4 as ::ffff:a.b.c.d. */
    static byte[] v6(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] v6 = new byte[16];
        System.arraycopy(V4_MAPPED, 0, v6, 0, V4_MAPPED.length);
        System.arraycopy(b, 0, v6, 12, 4);
        return v6;
    }

    static boolean sameAddress(MemorySegment rec, long addrAt, byte[] v6) {
        return MemorySegment.mismatch(rec, addrAt, addrAt + 16, MemorySegment.ofArray(v6), 0, 16) < 0;
    }

    /** Whether the address at {@code addrAt} is interface {@code iface}: &lt;net&gt;.iface (either network) or fd00::5357:5fXX. */
    static boolean onInterface(MemorySegment rec, long addrAt, int iface) {
        byte[] a = rec.asSlice(addrAt, 16).toArray(JAVA_BYTE);
        if ((a[15] & 0xFF) != iface) {
            return false;
        }
        boolean v4 = java.util.Arrays.equals(a, 0, 12, V4_MAPPED, 0, 12)
                && ((a[12] == 127 && a[13] == 0 && a[14] == 0) || (a[12] == 10 && a[13] == 53 && a[14] == 57));
        boolean v6 = (a[0] & 0xFF) == 0xfd && a[1] == 0 && a[12] == 0x53 && a[13] == 0x57 && a[14] == 0x5f;
        return v4 || v6;
    }

    private static void setAddress(MemorySegment rec, long addrAt, long portAt, InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        byte[] v6 = new byte[16];
        if (b.length == 4) {
            System.arraycopy(V4_MAPPED, 0, v6, 0, V4_MAPPED.length);
            System.arraycopy(b, 0, v6, 12, 4);
        } else {
            v6 = b;
        }
        // segment to segment: the array overload's type switch (jdk.internal.foreign.Utils.BaseAndScale)
        // spins SwitchBootstraps and the class-file API, before main when the self-check's socket is recorded
        MemorySegment.copy(MemorySegment.ofArray(v6), 0, rec, addrAt, 16);
        rec.set(JAVA_INT, portAt, a.getPort());
    }

    private static InetSocketAddress address(MemorySegment rec, long addrAt, long portAt) {
        byte[] b = rec.asSlice(addrAt, 16).toArray(JAVA_BYTE);
        try {
            // getByAddress turns ::ffff:a.b.c.d back into an Inet4Address
            return new InetSocketAddress(InetAddress.getByAddress(b), rec.get(JAVA_INT, portAt));
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }
}
