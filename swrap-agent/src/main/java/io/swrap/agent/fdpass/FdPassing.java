package io.swrap.agent.fdpass;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.net.FakeNetwork;
import io.swrap.agent.net.UnixSockets;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import io.swrap.shm.ProcessId;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * fd-passing of wrapped sockets through junixsocket (the entry points of the advice on its
 * classes). The sender appends one descriptor, a memfd naming each wrapped socket's table record
 * ({@link PassMessage}); the receiver reads and closes it, attaches the sockets to the same
 * records and hands the program only the descriptors it was sent. Other descriptors pass
 * untouched, and so does a message without wrapped sockets.
 *
 * <p>The references a message carries stay with the sender until the receiver takes them over,
 * so the sender may close its copies right after sending.
 */
public final class FdPassing {
    /** Messages set on a junixsocket socket and not sent yet, by AncillaryDataSupport (identity). */
    private static final Map<Object, Pending> PENDING = Collections.synchronizedMap(new WeakHashMap<>());
    private static final int PID = (int) ProcessId.current();
    private static volatile FakeNetwork network;

    /** @param fds the array given to junixsocket, memfd last; @param handles the sockets in it */
    private record Pending(int[] fds, int memfd, List<Handle> handles) {
    }

    private FdPassing() {
    }

    public static void install(FakeNetwork net) {
        network = net;
    }

    /** {@code AncillaryDataSupport.setOutboundFileDescriptors(int[])}: the descriptors to send instead. */
    public static int[] outbound(Object ancillary, int[] fds) throws IOException {
        Pending replaced = PENDING.remove(ancillary);
        if (replaced != null) {
            abandon(replaced);
        }
        if (fds == null || fds.length == 0) {
            return fds;
        }
        SocketTable table = network.table();
        int[] indexes = new int[fds.length];
        long[] inodes = new long[fds.length];
        List<Handle> wrapped = new ArrayList<>();
        for (int i = 0; i < fds.length; i++) {
            Handle h = table.get(fds[i]);
            long inode = h == null ? -1 : UnixSockets.inode(fds[i]);
            boolean ours = h != null && table.sameSocket(h, inode);
            indexes[i] = ours ? h.index() : -1;
            inodes[i] = ours ? inode : -1;
            if (ours) {
                wrapped.add(h);
            }
        }
        if (wrapped.isEmpty()) {
            return fds;
        }
        JunixHooks.verify(ancillary.getClass().getClassLoader());
        table.inFlight(wrapped, 1);
        int memfd;
        try {
            memfd = Memfd.create(new PassMessage(PID, indexes, inodes).encode());
        } catch (IOException | RuntimeException e) {
            table.inFlight(wrapped, -1);
            throw e;
        }
        int[] out = Arrays.copyOf(fds, fds.length + 1);
        out[fds.length] = memfd;
        PENDING.put(ancillary, new Pending(out, memfd, wrapped));
        SwrapLog.debug("swrap_sendmsg", "passing " + wrapped + " with memfd " + memfd);
        return out;
    }

    /**
     * After a junixsocket send on a socket with this AncillaryDataSupport: once the native send
     * took the descriptors, the memfd is closed here (the message holds its own reference); if
     * the send failed, the references come back.
     */
    public static void sent(Object ancillary, boolean failed) throws IOException {
        if (ancillary == null || PENDING.isEmpty()) {
            return;
        }
        Pending p = PENDING.get(ancillary);
        if (p == null || JunixAccess.pending(ancillary) == p.fds()) {
            return; // nothing of ours, or not taken yet (the write stopped before the native send)
        }
        PENDING.remove(ancillary);
        UnixSockets.close(p.memfd());
        if (failed) {
            network.table().inFlight(p.handles(), -1);
        }
    }

    /** After a write of junixsocket's socket output stream (an AFSocketImpl's). */
    public static void streamSent(Object afSocketImpl, boolean failed) throws IOException {
        if (!PENDING.isEmpty()) {
            sent(JunixAccess.ancillary(afSocketImpl), failed);
        }
    }

    /**
     * {@code AncillaryDataSupport.receiveFileDescriptors(int[])}: the descriptors of one received
     * message, minus our memfd, with the wrapped sockets attached to their records.
     */
    public static int[] received(Object ancillary, int[] fds) throws IOException {
        if (fds == null || fds.length == 0 || !Memfd.isOurs(fds[fds.length - 1])) {
            return fds;
        }
        int memfd = fds[fds.length - 1];
        int[] rest = Arrays.copyOf(fds, fds.length - 1);
        try {
            JunixHooks.verify(ancillary.getClass().getClassLoader());
            byte[] bytes;
            try {
                bytes = Memfd.read(memfd);
            } finally {
                UnixSockets.close(memfd);
            }
            attach(PassMessage.decode(bytes, rest.length), rest);
        } catch (IOException | RuntimeException e) {
            // the program never sees these descriptors: close them rather than leak them
            for (int fd : rest) {
                network.close(UnixSockets.newFd(fd));
                try {
                    UnixSockets.close(fd);
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
        return rest;
    }

    private static void attach(PassMessage m, int[] fds) throws IOException {
        SocketTable table = network.table();
        for (int i = 0; i < fds.length; i++) {
            if (m.indexes()[i] < 0) {
                continue;
            }
            long inode = UnixSockets.inode(fds[i]);
            if (inode != m.inodes()[i]) {
                throw new IOException("swrap-agent: invalid fd-passing message from pid " + m.sender()
                        + ": descriptor " + i + " is socket inode " + inode + " (expected: " + m.inodes()[i] + ")");
            }
            if (table.attach(fds[i], m.indexes()[i], inode, m.sender())) {
                SwrapLog.debug("swrap_recvmsg", "fd=" + fds[i] + " socket#" + m.indexes()[i] + " from pid " + m.sender());
            } else {
                // the sender died and its records were reclaimed in flight: the names still tell the addresses
                network.handleOrAdopt(fds[i]);
                SwrapLog.debug("swrap_recvmsg", "fd=" + fds[i] + ": socket#" + m.indexes()[i] + " of pid "
                        + m.sender() + " was reclaimed in flight; adopted by its names");
            }
        }
    }

    /**
     * {@code AncillaryDataSupport.close()}: junixsocket is about to close, natively, the received
     * descriptors the program never claimed, and a message set but never sent is dropped.
     */
    public static void closing(Object ancillary, Map<?, ?> openReceived) throws IOException {
        Pending p = PENDING.remove(ancillary);
        if (p != null) {
            abandon(p);
        }
        List<Object> open;
        synchronized (openReceived) {
            open = new ArrayList<>(openReceived.keySet());
        }
        for (Object o : open) {
            if (o instanceof FileDescriptor fd && fd.valid()) {
                network.close(fd);
            }
        }
    }

    private static void abandon(Pending p) throws IOException {
        UnixSockets.close(p.memfd());
        network.table().inFlight(p.handles(), -1);
    }
}
