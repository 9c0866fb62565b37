package io.swrap.agent.table;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.swrap.shm.SharedTable;
import io.swrap.shm.TableAudit;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A consistent copy of a network's table, taken under its lock by a process outside the
 * network (the inspection CLI): every socket in use, and the table's own audit.
 *
 * @param file    the table file
 * @param sockets every record in use
 * @param audit   swrap-shm's check of the free list and counts
 */
public record TableSnapshot(Path file, List<SocketView> sockets, TableAudit audit) {
    /** swrap-shm's documented header: capacity is the int at offset 16 (see swrap-shm/README.md). */
    private static final int CAPACITY_OFFSET = 16;

    /** Reads the table of the network in {@code dir}; the table's capacity is taken from its header. */
    public static TableSnapshot read(Path dir) throws IOException {
        Path file = dir.resolve(SocketTable.FILE_NAME);
        int capacity = capacity(file);
        DeadOwners liveness = new DeadOwners(dir, (int) ProcessHandle.current().pid());
        try (SharedTable t = SharedTable.open(file, SocketTable.layout(capacity), liveness)) {
            return t.withLock(() -> {
                List<SocketView> sockets = new ArrayList<>();
                for (int i = 0; i < capacity; i++) {
                    MemorySegment rec = t.record(i);
                    if (Records.inUse(rec)) {
                        sockets.add(view(i, rec, liveness));
                    }
                }
                return new TableSnapshot(file, List.copyOf(sockets), t.audit());
            });
        }
    }

    /** Records with an owner that is gone: none after a clean shutdown or a reclaim. */
    public List<SocketView> deadOwned() {
        return sockets.stream().filter(s -> s.owners().stream().anyMatch(o -> !o.alive())).toList();
    }

    static int capacity(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            if (ch.read(b, CAPACITY_OFFSET) != 4) {
                throw new IOException(file + ": too short for a swrap-shm table (" + ch.size() + " bytes)");
            }
            return b.getInt(0);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null,
                    "no socket table: no process under the swrap agent has used this directory yet");
        }
    }

    private static SocketView view(int index, MemorySegment rec, DeadOwners liveness) {
        List<SocketView.Owner> owners = new ArrayList<>();
        int[] pids = Records.owners(rec);
        for (int s = 0; s < pids.length; s++) {
            if (pids[s] != 0) {
                owners.add(new SocketView.Owner(pids[s], Records.ownerRefs(rec, s), liveness.alive(pids[s])));
            }
        }
        int flags = Records.flags(rec);
        boolean datagram = rec.get(JAVA_INT, Records.TYPE) == Records.SOCK_DGRAM;
        // as ss(8) shows them: a UDP socket is UNCONN unless connected
        String state = datagram ? ((flags & Records.CONNECTED) != 0 ? "ESTAB" : "UNCONN")
                : (flags & Records.LISTENER) != 0 && (flags & Records.BOUND) != 0 ? "LISTEN"
                : (flags & Records.CONNECTED) != 0 ? "ESTAB"
                : (flags & Records.BOUND) != 0 ? "BOUND" : "UNCONN";
        return new SocketView(index, List.copyOf(owners), rec.get(JAVA_INT, Records.INFLIGHT),
                datagram ? "udp" : "tcp", state, Records.local(rec), Records.peer(rec), Records.boundName(rec),
                rec.get(JAVA_LONG, Records.INODE), rec.get(JAVA_LONG, Records.TX_BYTES),
                rec.get(JAVA_LONG, Records.RX_BYTES), rec.get(JAVA_LONG, Records.TX_CALLS),
                rec.get(JAVA_LONG, Records.RX_CALLS));
    }
}
