package io.swrap.smb.prefork;

import io.swrap.smb.config.SmbConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master's one thread of network work: accepts on every listener and reads each new connection until
 * its first frame is complete ({@link NegotiatePeek}), bounded by the pre-auth frame limit and the pre-auth
 * timeout, then hands it to the {@link Router}. The master never answers a peer: whatever the first frame
 * is, a worker answers it.
 */
final class PeekLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(PeekLoop.class.getName());
    /** First buffer of a connection; it grows to the announced frame, at most the pre-auth frame limit. */
    private static final int FIRST_READ = 1024;

    /** Where a connection goes once its first frame is read. */
    interface Router {
        void route(SocketChannel ch, InetSocketAddress remote, byte[] guid, byte[] bytes);
    }

    private final SmbConfig cfg;
    private final Selector selector;
    private final Router router;
    private final int maxPending;
    private final long timeoutNanos;
    private int pending;
    /** Connections whose first frame is complete, routed once their keys are gone from the selector. */
    private final List<Runnable> routed = new java.util.ArrayList<>();

    PeekLoop(SmbConfig cfg, List<ServerSocketChannel> listeners, Router router) throws IOException {
        this.cfg = cfg;
        this.router = router;
        this.selector = Selector.open();
        this.maxPending = cfg.limits().maxConnections();
        this.timeoutNanos = cfg.limits().preauthTimeout().toNanos();
        for (ServerSocketChannel l : listeners) {
            l.configureBlocking(false);
            l.register(selector, SelectionKey.OP_ACCEPT);
        }
    }

    /** One connection being read. */
    private static final class Peek {
        final SocketChannel ch;
        final InetSocketAddress remote;
        final long deadline;
        ByteBuffer buf = ByteBuffer.allocate(FIRST_READ);

        Peek(SocketChannel ch, InetSocketAddress remote, long deadline) {
            this.ch = ch;
            this.remote = remote;
            this.deadline = deadline;
        }
    }

    @Override
    public void run() {
        try {
            while (selector.isOpen()) {
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        accept((ServerSocketChannel) k.channel());
                    } else if (k.isReadable()) {
                        read(k);
                    }
                }
                selector.selectedKeys().clear();
                route();
                expire();
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            // a master that accepts nothing must not look alive: exit, and the workers follow (EOF on stdin)
            LOG.log(Level.SEVERE, "the master's accept loop failed: the master exits", e);
            System.exit(1);
        }
    }

    /**
     * Hands the complete connections on. Their cancelled keys are flushed first (selectNow) and they go back
     * to blocking mode: the JDK shuts a socket down for writing (for every process holding it) when a channel
     * is closed while still registered with a selector, and the master closes its copy after passing it.
     */
    private void route() throws IOException {
        if (routed.isEmpty()) {
            return;
        }
        selector.selectNow();
        for (Runnable r : routed) {
            r.run();
        }
        routed.clear();
    }

    void stop() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the accept loop's selector: " + e);
        }
    }

    private void accept(ServerSocketChannel l) {
        SocketChannel ch;
        try {
            ch = l.accept();
        } catch (IOException e) {
            LOG.warning("accept on " + l + " failed: " + e.getMessage());
            return;
        }
        if (ch == null) {
            return;
        }
        InetSocketAddress remote = null;
        try {
            // a peer gone already must cost this loop nothing but its own connection
            remote = (InetSocketAddress) ch.getRemoteAddress();
            if (pending >= maxPending) {
                LOG.warning("connection from " + remote + " closed: " + pending + " connections have not sent"
                        + " their first frame yet (smbserver:max connections)");
                WorkerSlot.closeQuietly(ch);
                return;
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, new Peek(ch, remote, System.nanoTime() + timeoutNanos));
            pending++;
        } catch (IOException e) {
            LOG.info("connection from " + remote + " closed at accept: " + e.getMessage());
            WorkerSlot.closeQuietly(ch);
        }
    }

    private void read(SelectionKey k) {
        Peek p = (Peek) k.attachment();
        int n;
        try {
            n = p.ch.read(p.buf);
        } catch (IOException e) {
            drop(k, p, "read failed: " + e.getMessage());
            return;
        }
        if (n < 0) {
            drop(k, p, "closed by the peer before its first frame");
            return;
        }
        NegotiatePeek r = NegotiatePeek.examine(p.buf, cfg.limits().maxPreauthFrame(), cfg.minDialect(),
                cfg.maxDialect());
        if (r.kind() == NegotiatePeek.Kind.MORE) {
            if (!p.buf.hasRemaining()) {
                grow(p);
            }
            return;
        }
        k.cancel();
        pending--;
        byte[] bytes = new byte[p.buf.position()];
        p.buf.flip().get(bytes);
        routed.add(() -> {
            try {
                p.ch.configureBlocking(true);
            } catch (IOException e) {
                LOG.info("connection from " + p.remote + " cannot be passed: " + e.getMessage() + ": closed");
                WorkerSlot.closeQuietly(p.ch);
                return;
            }
            router.route(p.ch, p.remote, r.guid(), bytes);
        });
    }

    /** A full buffer with the frame incomplete: room for the announced frame (examine refused a larger one). */
    private static void grow(Peek p) {
        ByteBuffer b = p.buf.duplicate().flip();
        int length = ((b.get(1) & 0xFF) << 16) | ((b.get(2) & 0xFF) << 8) | (b.get(3) & 0xFF);
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(4 + length, b.capacity()));
        bigger.put(b);
        p.buf = bigger;
    }

    private void expire() {
        long now = System.nanoTime();
        for (SelectionKey k : selector.keys()) {
            if (k.isValid() && k.attachment() instanceof Peek p && now - p.deadline > 0) {
                drop(k, p, "no first frame within the pre-auth timeout (" + cfg.limits().preauthTimeout().toSeconds()
                        + " s)");
            }
        }
    }

    private void drop(SelectionKey k, Peek p, String why) {
        k.cancel();
        pending--;
        LOG.info("connection from " + p.remote + " " + why + ": closed");
        WorkerSlot.closeQuietly(p.ch);
    }
}
