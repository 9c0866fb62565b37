package io.swrap.smb.io;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that run blocking file operations (opens, stats, xattrs, pread/pwrite, fsync, directory scans) so
 * that no event loop waits for a disk, a FIFO or a slow file system, as Samba's pthreadpool for its aio. Each
 * operation's result is handed back to the event loop its connection lives on, where the protocol state is touched.
 *
 * <p>Bounded twice: {@code smbserver:io threads} run operations, at most {@code smbserver:max queued io
 * requests} wait for one. An operation submitted beyond that waits in {@link #waiting}, not in the executor's
 * queue: its connection stops being read meanwhile (the dispatcher answers one request of a connection at a
 * time, or up to {@code smbserver:io requests per connection} lone READs and WRITEs, plus the reruns of its
 * CREATEs that went async waiting for oplock breaks, which its credits bound: that list is bounded by the
 * connections and their credits).
 * Nothing is dropped: a task that cannot be handed back because its loop has shut down is discarded through
 * its own {@link IoTask#discard}, which releases what it holds.
 */
public final class IoPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IoPool.class.getName());

    /** A blocking operation and what to do with its outcome on the loop. */
    public interface IoTask<T> {
        /** Runs on an I/O thread: touches only the file and the buffers it owns. */
        T run() throws Exception;

        /** Runs on the loop with the result, or the failure of {@link #run}, exactly once unless discarded. */
        void done(T result, Throwable failure);

        /** Releases the result when {@link #done} cannot run (the loop is gone). */
        void discard(T result);
    }

    private final ThreadPoolExecutor executor;
    /** Operations admitted: running or in the executor's queue, at most threads + max queued. */
    private int admitted;
    private final int capacity;
    /** Operations beyond {@link #capacity}, started in order as admitted ones end. */
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    public IoPool(int threads, int maxQueued) {
        AtomicInteger n = new AtomicInteger();
        this.capacity = threads + maxQueued;
        // the queue can hold every admitted operation: execute() never rejects while the pool runs
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, capacity)), r -> {
                    Thread t = new Thread(r, "smb-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} on an I/O thread, then its {@link IoTask#done} on {@code loop}. */
    public <T> void submit(IoTask<T> task, EventExecutor loop) {
        Runnable job = () -> runOn(task, loop);
        synchronized (this) {
            if (admitted >= capacity) {
                waiting.add(job);
                LOG.fine(() -> "I/O pool full (" + capacity + " operations: smbserver:io threads + smbserver:max "
                        + "queued io requests): an operation waits, " + waiting.size() + " waiting");
                return;
            }
            admitted++;
        }
        start(job);
    }

    /** Operations waiting for admission (for tests and logs). */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    private void start(Runnable job) {
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            // only after close(): the server is shutting down, and its connections with it
            LOG.fine("I/O pool closed: an operation of a closing connection is not run");
            finished();
        }
    }

    private <T> void runOn(IoTask<T> task, EventExecutor loop) {
        T result = null;
        Throwable failure = null;
        try {
            result = task.run();
        } catch (Throwable e) {
            failure = e; // handed to done(), which reports it on the loop
        } finally {
            finished();
        }
        T r = result;
        Throwable f = failure;
        try {
            loop.execute(() -> task.done(r, f));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "event loop shut down before an I/O operation completed: result discarded");
            task.discard(r);
        }
    }

    /** One admitted operation ended: the oldest waiting one takes its place. */
    private void finished() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                admitted--;
                return;
            }
        }
        start(next);
    }

    @Override
    public void close() {
        // never shutdownNow(): an interrupt closes the FileChannel a thread is using
        executor.shutdown();
    }
}
