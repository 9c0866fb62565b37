package io.swrap.smb.filestate;

import io.netty.util.concurrent.EventExecutor;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cross-client actions as messages to the owner's event loop. A request that must wait on another client (a
 * blocking lock, a CREATE waiting for break acknowledgments) parks its continuation here, on its own loop, and
 * leaves only a {@link Waiter} value in the file's record; whoever resolves the wait (an unlock, an
 * acknowledgment, a close, on any loop) wakes that value, and the continuation runs on the loop that parked it.
 * No client's state is touched from another client's loop. Each event loop is a worker, numbered on first use.
 */
public final class Messenger {
    /** Continuations parked at once, server-wide; beyond, a wait is refused with INSUFFICIENT_RESOURCES. */
    public static final int MAX_PARKED = 1 << 20;

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
}
