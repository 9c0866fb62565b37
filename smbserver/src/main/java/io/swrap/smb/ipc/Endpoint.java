package io.swrap.smb.ipc;

import io.swrap.smb.config.MessagingLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * This worker's end of the messaging: a unix datagram socket bound at {@code DIR/msg-PID.sock} (DIR the master's
 * private temp directory), a receiver thread that decodes each datagram and hands the message to the event loop
 * its {@link Router} names, and a sender thread that sends queued messages to other workers' sockets by pid.
 *
 * <p>A message to a process that has no socket (never started, or gone: its file removed or nobody bound to it)
 * is dropped, logged once per pid, and reported to the {@link Undeliverable} so the caller can clean up what it
 * was for; so is one that waits longer than the send timeout for a worker whose receive queue stays full, and
 * one that finds the send queue full. Datagrams that are too long or malformed are refused with a log line and
 * the receiver goes on. Nothing here blocks an event loop: {@link #send} only queues.
 */
public final class Endpoint implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Endpoint.class.getName());
    /** Pids whose death was logged, so that a burst of messages to one dead worker logs one line. */
    private static final int MAX_REMEMBERED_DEAD = 256;
    private static final long FULL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Where a received message runs, and what it does there. */
    public record Delivery(Executor loop, Runnable action) {
    }

    /** Finds the event loop and action for a received message; null when this process has nothing to do it on. */
    @FunctionalInterface
    public interface Router {
        Delivery route(Message m);
    }

    /** Told of every message that was not delivered, on the sender thread (or the caller's, for a full queue). */
    @FunctionalInterface
    public interface Undeliverable {
        void undelivered(long pid, Message m, String why);
    }

    private record Outgoing(long pid, Message message) {
    }

    private final Path dir;
    private final long pid;
    private final Path address;
    private final MessagingLimits limits;
    private final Router router;
    private final Undeliverable undeliverable;
    private final AFUNIXDatagramChannel in;
    private final AFUNIXDatagramChannel out;
    private final BlockingQueue<Outgoing> queue;
    private final Semaphore running;
    private final Map<Long, Boolean> loggedDead = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> e) {
            return size() > MAX_REMEMBERED_DEAD;
        }
    };
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean fullLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread receiver;
    private final Thread sender;
    private volatile boolean closed;

    private Endpoint(Path dir, long pid, MessagingLimits limits, Router router, Undeliverable undeliverable)
            throws IOException {
        this.dir = dir;
        this.pid = pid;
        this.address = address(dir, pid);
        this.limits = limits;
        this.router = router;
        this.undeliverable = undeliverable;
        this.queue = new ArrayBlockingQueue<>(limits.maxQueued());
        this.running = new Semaphore(limits.maxQueued());
        // a socket file left by an earlier process of this pid (pids are reused) would make bind fail
        Files.deleteIfExists(address);
        this.in = AFUNIXDatagramChannel.open();
        in.bind(AFUNIXSocketAddress.of(address));
        this.out = AFUNIXDatagramChannel.open();
        out.configureBlocking(false);
        this.receiver = new Thread(this::receive, "ipc-receive-" + pid);
        this.sender = new Thread(this::sendLoop, "ipc-send-" + pid);
        receiver.setDaemon(true);
        sender.setDaemon(true);
    }

    /** Binds this process's socket in {@code dir} and starts receiving and sending. */
    public static Endpoint open(Path dir, long pid, MessagingLimits limits, Router router,
            Undeliverable undeliverable) throws IOException {
        Endpoint e = new Endpoint(dir, pid, limits, router, undeliverable);
        e.receiver.start();
        e.sender.start();
        LOG.info("pid " + pid + ": messaging on " + e.address);
        return e;
    }

    /** The socket of process {@code pid} in {@code dir}. */
    public static Path address(Path dir, long pid) {
        return dir.resolve("msg-" + pid + ".sock");
    }

    public long pid() {
        return pid;
    }

    /**
     * Queues {@code m} for process {@code pid}; false (and reported to the {@link Undeliverable}) when
     * {@code smbserver:ipc max queued messages} wait already or this endpoint is closed. From any thread.
     */
    public boolean send(long pid, Message m) {
        if (closed || !queue.offer(new Outgoing(pid, m))) {
            dropped.incrementAndGet();
            String why = closed ? "messaging is closed" : limits.maxQueued()
                    + " messages wait to be sent already (smbserver:ipc max queued messages)";
            if (!fullLogged.getAndSet(true)) {
                // one line per overflow, not per message: the next one is logged after a message went out again
                LOG.warning("pid " + this.pid + ": " + m + " to pid " + pid + " dropped: " + why);
            }
            undeliverable.undelivered(pid, m, why);
            return false;
        }
        return true;
    }

    private void sendLoop() {
        while (!closed) {
            Outgoing o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            String failure = sendNow(o);
            if (failure == null) {
                sent.incrementAndGet();
                fullLogged.set(false);
                continue;
            }
            dropped.incrementAndGet();
            boolean first;
            synchronized (loggedDead) {
                first = loggedDead.put(o.pid(), Boolean.TRUE) == null;
            }
            if (first) {
                LOG.warning("pid " + pid + ": cannot deliver to pid " + o.pid() + " (" + failure
                        + "): dropping its messages, starting with " + o.message());
            } else {
                LOG.fine(() -> "pid " + pid + ": " + o.message() + " to pid " + o.pid() + " dropped: " + failure);
            }
            try {
                undeliverable.undelivered(o.pid(), o.message(), failure);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pid " + pid + ": cleaning up after an undelivered " + o.message()
                        + " failed", e);
            }
        }
    }

    /** Sends one message; null when sent, else why not. */
    private String sendNow(Outgoing o) {
        ByteBuffer b;
        try {
            b = MessageCodec.encode(o.message(), limits.maxMessageSize());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        Path to = address(dir, o.pid());
        if (!Files.exists(to)) {
            return "no socket " + to + ": the process is not a worker or has exited";
        }
        long deadline = System.nanoTime() + limits.sendTimeout().toNanos();
        try {
            AFUNIXSocketAddress a = AFUNIXSocketAddress.of(to);
            while (out.send(b, a) == 0) {
                // the receiver's queue is full: it is alive but behind; wait, up to the send timeout
                if (System.nanoTime() - deadline >= 0) {
                    return "its receive queue stayed full for " + limits.sendTimeout().toMillis()
                            + " ms (smbserver:ipc send timeout)";
                }
                TimeUnit.NANOSECONDS.sleep(FULL_RETRY_NANOS);
                if (closed) {
                    return "messaging is closed";
                }
            }
            return null;
        } catch (InterruptedException e) {
            return "messaging is closed";
        } catch (IOException e) {
            // ECONNREFUSED: the file is there but nobody is bound to it, its process died
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private void receive() {
        // one byte more than allowed: a datagram that fills it was longer (the kernel cut it), and is refused
        ByteBuffer b = ByteBuffer.allocate(limits.maxMessageSize() + 1);
        while (!closed) {
            b.clear();
            try {
                in.receive(b);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warning("pid " + pid + ": receiving on " + address + " failed: " + e + "; still receiving");
                continue;
            }
            b.flip();
            if (b.remaining() > limits.maxMessageSize()) {
                refused.incrementAndGet();
                LOG.warning("pid " + pid + ": refused a datagram longer than " + limits.maxMessageSize()
                        + " bytes (smbserver:ipc max message size)");
                continue;
            }
            Message m;
            try {
                m = MessageCodec.decode(b);
            } catch (MalformedMessageException e) {
                refused.incrementAndGet();
                LOG.warning("pid " + pid + ": refused a malformed message: " + e.getMessage());
                continue;
            }
            received.incrementAndGet();
            dispatch(m);
        }
    }

    private void dispatch(Message m) {
        Delivery d;
        try {
            d = router.route(m);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pid " + pid + ": routing " + m + " failed", e);
            return;
        }
        if (d == null) {
            LOG.fine(() -> "pid " + pid + ": " + m + " has nothing to act on here (gone meanwhile): ignored");
            return;
        }
        try {
            // bounds what the loops hold: when they are this far behind, stop reading and let the senders wait
            running.acquire();
        } catch (InterruptedException e) {
            return;
        }
        try {
            d.loop().execute(() -> {
                try {
                    d.action().run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "pid " + pid + ": handling " + m + " failed", e);
                } finally {
                    running.release();
                }
            });
        } catch (RejectedExecutionException e) {
            running.release();
            LOG.warning("pid " + pid + ": " + m + " not run: its event loop is shutting down");
        }
    }

    /** Messages received and handed on so far. */
    public long received() {
        return received.get();
    }

    /** Datagrams refused so far (too long, malformed). */
    public long refused() {
        return refused.get();
    }

    public long sent() {
        return sent.get();
    }

    /** Outgoing messages dropped so far (dead or unknown receiver, queue full, timeout). */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing " + address + ": " + e);
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the sending socket: " + e);
        }
        sender.interrupt();
        try {
            Files.deleteIfExists(address);
        } catch (IOException e) {
            LOG.warning("pid " + pid + ": cannot remove " + address + ": " + e.getMessage());
        }
    }
}
