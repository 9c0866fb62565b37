package io.swrap.smb.filestate;

import io.netty.util.concurrent.EventExecutor;
import io.swrap.smb.config.MessagingLimits;
import io.swrap.smb.ipc.Endpoint;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageType;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Cross-client actions as messages to the owner's event loop. A request that must wait on another client (a
 * blocking lock, a CREATE waiting for break acknowledgments) parks its continuation here, on its own loop, and
 * leaves only a {@link Waiter} value in the file's record; whoever resolves the wait (an unlock, an
 * acknowledgment, a close, on any loop) wakes that value, and the continuation runs on the loop that parked it.
 * No client's state is touched from another client's loop. Each event loop is a worker, numbered on first use.
 *
 * <p>In multi-process mode ({@link #attach}) a waiter or a client may belong to another worker process: its
 * wake-up, or a break for it, travels as a {@link Message} over that process's {@link Endpoint}, and the
 * receiving process runs it on its own loop. In one process nothing of that is used: a wake-up is one
 * {@code execute} on the parking loop.
 */
public final class Messenger {
    private static final Logger LOG = Logger.getLogger(Messenger.class.getName());
    /** Continuations parked at once, server-wide; beyond, a wait is refused with INSUFFICIENT_RESOURCES. */
    public static final int MAX_PARKED = 1 << 20;

    /** The worker processes of multi-process mode, as the master's shared tables know them. */
    public interface Locator {
        /** The pid of the worker serving ClientGuid (hi, lo), or 0 when no worker has it. */
        long workerOf(long clientGuidHi, long clientGuidLo);

        /** The pids of the current workers (this one included). */
        long[] workers();
    }

    private final Map<MessageType, Endpoint.Router> handlers = new ConcurrentHashMap<>();
    private final Map<MessageType, Endpoint.Undeliverable> cleanups = new ConcurrentHashMap<>();
    private volatile Endpoint ipc;
    private volatile Locator locator;

    public Messenger() {
        handlers.put(MessageType.WAKE, this::routeWake);
    }

    private record Parked(EventExecutor loop, Runnable run) {
    }

    private final List<EventExecutor> workers = new CopyOnWriteArrayList<>();
    private final Map<EventExecutor, Integer> numbers = new ConcurrentHashMap<>();
    private final Map<Long, Parked> parked = new ConcurrentHashMap<>();
    private final AtomicLong nextTicket = new AtomicLong(1);
    private volatile java.util.function.Consumer<Waiter> remote = w -> java.util.logging.Logger.getLogger(
            Messenger.class.getName()).warning("pid " + OwnerId.SELF_PID + ": no messaging to process " + w.pid()
            + ": the wake-up of its waiter " + w.ticket() + " (loop " + w.worker() + ") is dropped");

    /** The worker number of {@code loop}. */
    public int worker(EventExecutor loop) {
        return numbers.computeIfAbsent(loop, l -> {
            workers.add(l);
            return workers.size() - 1;
        });
    }

    /** The event loop of worker {@code n}. */
    public EventExecutor loop(int n) {
        if (n < 0 || n >= workers.size()) {
            throw new IllegalArgumentException("no worker " + n + " (" + workers.size() + " known)");
        }
        return workers.get(n);
    }

    /**
     * Parks {@code continuation}, to run on {@code loop} (the caller's own) when its waiter is woken.
     *
     * @throws Smb2Exception INSUFFICIENT_RESOURCES when {@link #MAX_PARKED} continuations are parked
     */
    public Waiter park(EventExecutor loop, Runnable continuation) throws Smb2Exception {
        assert loop.inEventLoop() : "a continuation parked for a loop other than the caller's";
        if (parked.size() >= MAX_PARKED) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, parked.size() + " requests already wait on"
                    + " files (at most " + MAX_PARKED + ")");
        }
        long t = nextTicket.getAndIncrement();
        parked.put(t, new Parked(loop, continuation));
        return new Waiter(worker(loop), t);
    }

    /**
     * Where a wake-up for a waiter of another process goes (a prefork server's worker messaging); until one is
     * set, such a wake-up is logged and dropped: that waiter then waits for its own timeout or cancel.
     */
    public void remote(java.util.function.Consumer<Waiter> sender) {
        this.remote = sender;
    }

    /** Sends the wake-up of {@code w} to its loop; a waiter forgotten meanwhile is not run. From any thread. */
    public void wake(Waiter w) {
        if (w.pid() != OwnerId.SELF_PID) {
            remote.accept(w); // tickets are numbered per process: never look another process's up here
            return;
        }
        Parked p = parked.get(w.ticket());
        if (p == null) {
            return;
        }
        loop(w.worker()).execute(() -> {
            Parked q = parked.remove(w.ticket());
            if (q != null) {
                q.run().run();
            }
        });
    }

    public void wakeAll(List<Waiter> ws) {
        ws.forEach(this::wake);
    }

    /** Drops a waiter that will not be woken (its request was canceled or completed otherwise). */
    public void forget(Waiter w) {
        if (w != null) {
            parked.remove(w.ticket());
        }
    }

    /** Posts {@code message} to worker {@code n}'s loop (a message for the clients it serves). */
    public void post(int n, Runnable message) {
        loop(n).execute(message);
    }

    /** Continuations parked now (for tests and diagnostics). */
    public int parkedCount() {
        return parked.size();
    }

    /** This process's pid, the one its waiters and opens carry. */
    public long pid() {
        return OwnerId.SELF_PID;
    }

    /**
     * Multi-process mode: binds this worker's socket in {@code dir} (the master's directory); from now on the
     * wake-ups of other processes' waiters go there as WAKE messages, and breaks for clients of other workers
     * ({@code locator} finds a client's worker) as break messages.
     */
    public void attach(Path dir, MessagingLimits limits, Locator locator) throws IOException {
        if (ipc != null) {
            throw new IllegalStateException("pid " + pid() + ": messaging is attached already");
        }
        this.locator = locator;
        Endpoint e = Endpoint.open(dir, pid(), limits, this::route, this::undelivered);
        this.ipc = e;
        remote(w -> e.send(w.pid(), new Message(MessageType.WAKE, pid(), w.worker(), w.ticket())));
    }

    /** Whether this process is one worker of several (messages may have to leave it). */
    public boolean multiProcess() {
        return ipc != null;
    }

    /** The endpoint of multi-process mode, or null (for diagnostics and tests). */
    public Endpoint endpoint() {
        return ipc;
    }

    /** Handles received messages of {@code type}: {@code router} names the loop and the action (null: none). */
    public void handle(MessageType type, Endpoint.Router router) {
        handlers.put(type, router);
    }

    /**
     * Cleans up after messages of {@code type} that could not be delivered to their process, on the sender thread:
     * the receiver is gone, so is what it held, and whatever waited for it must not wait any longer.
     */
    public void onUndelivered(MessageType type, Endpoint.Undeliverable cleanup) {
        cleanups.put(type, cleanup);
    }

    /** The worker pid serving ClientGuid (hi, lo) when it is another process; 0 when it is this one or none. */
    public long otherWorkerOf(long clientGuidHi, long clientGuidLo) {
        Locator l = locator;
        if (ipc == null || l == null) {
            return 0;
        }
        long p = l.workerOf(clientGuidHi, clientGuidLo);
        return p == pid() ? 0 : p;
    }

    /** The pids of the other worker processes (none in one-process mode). */
    public List<Long> otherWorkers() {
        Locator l = locator;
        if (ipc == null || l == null) {
            return List.of();
        }
        List<Long> out = new java.util.ArrayList<>();
        for (long p : l.workers()) {
            if (p > 0 && p != pid()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Sends {@code m} to every other worker process (a change that their clients' watches must see). */
    public void broadcast(Message m) {
        Locator l = locator;
        if (ipc == null || l == null) {
            return;
        }
        for (long p : l.workers()) {
            if (p > 0 && p != pid()) {
                ipc.send(p, m);
            }
        }
    }

    /** Sends {@code m} to worker process {@code to}; false when it was dropped (and cleaned up after). */
    public boolean send(long to, Message m) {
        Endpoint e = ipc;
        if (e == null) {
            throw new IllegalStateException("pid " + pid() + ": " + m + " for pid " + to
                    + " in one-process mode (no messaging attached)");
        }
        return e.send(to, m);
    }

    private Endpoint.Delivery route(Message m) {
        Endpoint.Router r = handlers.get(m.type());
        if (r == null) {
            LOG.warning("pid " + pid() + ": " + m + ": no handler for its type in this process");
            return null;
        }
        return r.route(m);
    }

    /** WAKE: ids = worker (loop) number, ticket. */
    private Endpoint.Delivery routeWake(Message m) {
        if (m.idCount() != 2 || m.id(0) < 0 || m.id(0) >= workers.size()) {
            LOG.warning("pid " + pid() + ": " + m + ": expected 2 ids, a worker number below " + workers.size()
                    + " and a ticket: ignored");
            return null;
        }
        long ticket = m.id(1);
        if (!parked.containsKey(ticket)) {
            return null; // forgotten meanwhile (canceled, completed otherwise): nothing to run
        }
        return new Endpoint.Delivery(loop((int) m.id(0)), () -> {
            Parked q = parked.remove(ticket);
            if (q != null) {
                q.run().run();
            }
        });
    }

    /**
     * A message its process did not get: that worker is gone (or never existed), and whatever it was for is
     * cleaned up by its type's handler. A wake-up needs nothing by default: its waiter died with its process, and
     * the record's entries of a dead worker are the dead-owner repair's.
     */
    private void undelivered(long to, Message m, String why) {
        Endpoint.Undeliverable c = cleanups.get(m.type());
        if (c != null) {
            c.undelivered(to, m, why);
        }
    }

    /** Stops messaging (the worker exits). */
    public void close() {
        Endpoint e = ipc;
        if (e != null) {
            e.close();
        }
    }
}
