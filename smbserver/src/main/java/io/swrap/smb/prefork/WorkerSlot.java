package io.swrap.smb.prefork;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * One worker as the master sees it: its current process, and once that process has said hello, the unix
 * socket its connections are passed over. Passing happens on one thread per worker, one connection at a
 * time (message, then the worker's one-byte answer), so a slow worker delays only its own clients.
 */
final class WorkerSlot {
    private static final Logger LOG = Logger.getLogger(WorkerSlot.class.getName());
    /** Connections waiting to be passed to one worker; beyond, a new one is closed. */
    static final int MAX_QUEUED = 256;
    /** How long a worker may take to adopt a connection before the master gives up on it. */
    static final int ACK_TIMEOUT_MILLIS = 30_000;

    private final int slot;
    private final ClientGuidTable table;
    private final ThreadPoolExecutor passer;
    private volatile Process process;
    private volatile AFUNIXSocket control;

    WorkerSlot(int slot, ClientGuidTable table) {
        this.slot = slot;
        this.table = table;
        this.passer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                r -> {
                    Thread t = new Thread(r, "prefork-pass-" + slot);
                    t.setDaemon(true);
                    return t;
                });
    }

    int slot() {
        return slot;
    }

    Process process() {
        return process;
    }

    void started(Process p) {
        process = p;
        table.workerStarted(slot, p.pid());
    }

    /** The worker's control socket after its hello; false if {@code pid} is not this slot's current process. */
    synchronized boolean attach(long pid, AFUNIXSocket socket) {
        Process p = process;
        if (p == null || p.pid() != pid || control != null) {
            return false;
        }
        control = socket;
        return true;
    }

    boolean attached() {
        return control != null;
    }

    /** The process died: nothing more is passed over its socket. */
    synchronized void detach() {
        AFUNIXSocket s = control;
        control = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the control socket of worker " + slot + ": " + e);
            }
        }
    }

    /**
     * Passes {@code ch} with the bytes read from it; the master's copy is closed afterwards in any case. When
     * the worker cannot take it, the connection is closed and the worker's count goes down again.
     */
    void pass(SocketChannel ch, InetSocketAddress remote, byte[] guid, byte[] replay) {
        try {
            passer.execute(() -> passNow(ch, remote, guid, replay));
        } catch (RejectedExecutionException e) {
            LOG.warning("worker " + slot + " has " + MAX_QUEUED + " connections waiting to be passed already: closing"
                    + " the connection from " + remote);
            table.connectionClosed(slot);
            closeQuietly(ch);
        }
    }

    private void passNow(SocketChannel ch, InetSocketAddress remote, byte[] guid, byte[] replay) {
        AFUNIXSocket s = control;
        boolean adopted = false;
        try {
            if (s == null) {
                throw new IOException("the worker is not running");
            }
            byte[] msg = new Handoff(remote, guid, replay).encode();
            FileDescriptor fd = PassedSockets.descriptor(ch);
            synchronized (s) {
                s.setOutboundFileDescriptors(fd);
                OutputStream out = s.getOutputStream();
                out.write(msg);
                out.flush();
                closeQuietly(ch); // the descriptor is in flight: the worker holds the connection now
                s.setSoTimeout(ACK_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                int ack = in.read();
                adopted = ack == Handoff.ADOPTED;
                if (!adopted) {
                    LOG.warning("worker " + slot + " did not adopt the connection from " + remote + " (answer "
                            + ack + ")");
                }
            }
            LOG.fine(() -> "connection from " + remote + " passed to worker " + slot
                    + (guid == null ? "" : " (ClientGuid " + java.util.HexFormat.of().formatHex(guid) + ")"));
        } catch (IOException e) {
            LOG.warning("cannot pass the connection from " + remote + " to worker " + slot + ": " + e.getMessage()
                    + ": connection closed");
        } finally {
            closeQuietly(ch);
            if (!adopted) {
                table.connectionClosed(slot);
            }
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing " + ch + ": " + e);
        }
    }

    void shutdown() {
        passer.shutdownNow();
        detach();
    }
}
