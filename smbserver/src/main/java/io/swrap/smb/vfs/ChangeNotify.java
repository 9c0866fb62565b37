package io.swrap.smb.vfs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Server-wide change notification ([MS-FSA] 2.1.5.10, [MS-SMB2] 3.3.5.19 CHANGE_NOTIFY): handlers report
 * the changes they make, and each watched directory handle gets the ones below it that match its filter.
 * Changes made outside this server (directly on the disk) are not seen.
 * Events arrive while no CHANGE_NOTIFY is pending are queued per handle, up to {@link Watch#MAX_QUEUED},
 * after which the handle reports STATUS_NOTIFY_ENUM_DIR ("too many changes, enumerate the directory").
 *
 * <p>A change reaches only the watches that existed when it was made: each change takes a number from a
 * {@link Sequence} as it is reported (before its request is answered), and a watch keeps the number current when
 * it was armed (the handle's first CHANGE_NOTIFY) and ignores changes numbered at or below it. In one process
 * this changes nothing visible; in multi-process mode a change from another worker arrives by message, possibly
 * after its client had the answer and armed a watch on the strength of it (smb2.notify.mask creates a file
 * through one connection, then arms a watch through another), and its number says it predates that watch. The
 * watch, not the request, carries the number: changes between two CHANGE_NOTIFYs on one handle are queued on it
 * and delivered to the next, as Samba queues them on the open.
 */
public final class ChangeNotify {
    public static final int FILE_NOTIFY_CHANGE_FILE_NAME = 0x001;
    public static final int FILE_NOTIFY_CHANGE_DIR_NAME = 0x002;
    public static final int FILE_NOTIFY_CHANGE_ATTRIBUTES = 0x004;
    public static final int FILE_NOTIFY_CHANGE_SIZE = 0x008;
    public static final int FILE_NOTIFY_CHANGE_LAST_WRITE = 0x010;
    public static final int FILE_NOTIFY_CHANGE_CREATION = 0x040;
    public static final int FILE_ACTION_ADDED = 1;
    public static final int FILE_ACTION_REMOVED = 2;
    public static final int FILE_ACTION_MODIFIED = 3;
    public static final int FILE_ACTION_RENAMED_OLD_NAME = 4;
    public static final int FILE_ACTION_RENAMED_NEW_NAME = 5;

    /** One change: what happened to {@code path}, and which completion-filter bits it matches. */
    public record Change(Path path, int action, int filterBits) {
    }

    /** One FILE_NOTIFY_INFORMATION to deliver: action and name relative to the watched directory. */
    public record Event(int action, String name) {
    }

    /** Numbers changes in the order they are made, across every process that reports to the same watches. */
    public interface Sequence {
        /** Takes the number of a change being made now: greater than every number taken or read before. */
        long next();

        /** The number of the latest change made so far (0 before the first). */
        long current();
    }

    /** Where a process's numbered changes go for the watches of the other workers (multi-process mode). */
    @FunctionalInterface
    public interface Forward {
        void changes(long number, List<Change> changes);
    }

    private final List<Watch> watches = new ArrayList<>();
    private volatile Sequence sequence = inProcess();
    /** Multi-process mode: where this process's changes go for the watches of the other workers. */
    private volatile Forward otherWorkers = (number, changes) -> { };
    private volatile Consumer<Path> otherWorkersDeletePending = dir -> { };

    /** A directory handle's registration: its filter, its queue, and the CHANGE_NOTIFYs waiting on it. */
    public static final class Watch {
        public static final int MAX_QUEUED = 1000;
        /**
         * CHANGE_NOTIFY requests that may wait on one handle at once; each change completes the oldest.
         * Clients keep one outstanding per handle; more are refused rather than queued without end.
         */
        public static final int MAX_WAITERS = 16;
        private final Path dir;
        private final boolean recursive;
        private final int filter;
        private final int maxBuffer;
        private final List<Event> queue = new ArrayList<>();
        private boolean overflow;
        private final ArrayDeque<Consumer<List<Event>>> waiters = new ArrayDeque<>();
        private final Runnable onDeletePending;
        /** The change number current when it was armed: changes numbered up to it were made before it existed. */
        private long armedAt;

        /**
         * @param maxBuffer the first request's OutputBufferLength (at most MaxTransactSize)
         * @param onDeletePending completes the handle's waiting requests when its directory is to be deleted
         */
        public Watch(Path dir, boolean recursive, int filter, int maxBuffer, Runnable onDeletePending) {
            this.dir = dir;
            this.recursive = recursive;
            this.filter = filter;
            this.maxBuffer = maxBuffer;
            this.onDeletePending = onDeletePending;
        }

        /** The OutputBufferLength of the handle's first CHANGE_NOTIFY. */
        public int maxBuffer() {
            return maxBuffer;
        }

        /**
         * Returns the queued events (empty with {@code overflowed()} true after an overflow), or, when none are
         * queued, registers {@code w} for a next batch (after those waiting before it) and returns null.
         */
        public synchronized List<Event> takeOrWait(Consumer<List<Event>> w) {
            if (queue.isEmpty() && !overflow) {
                waiters.add(w);
                return null;
            }
            List<Event> out = overflow ? List.of() : List.copyOf(queue);
            queue.clear();
            overflow = false;
            return out;
        }

        /** The requests waiting now. */
        public synchronized int waiting() {
            return waiters.size();
        }

        /** Forgets the waiting request {@code w} (canceled); false if it was no longer waiting. */
        public synchronized boolean cancelWait(Consumer<List<Event>> w) {
            return waiters.remove(w);
        }

        /** Forgets every waiting request (the handle closes; its owner completes them). */
        public synchronized void cancelAll() {
            waiters.clear();
        }

        private void deliver(List<Event> events) {
            Consumer<List<Event>> w;
            synchronized (this) {
                w = waiters.poll();
                if (w == null) {
                    if (queue.size() + events.size() > MAX_QUEUED) {
                        overflow = true;
                        queue.clear();
                    } else if (!overflow) {
                        queue.addAll(events);
                    }
                    return;
                }
            }
            w.accept(events);
        }
    }

    /**
     * Arms {@code w}: it sees the changes numbered after the current one. Under this hub's lock, so that a change
     * numbered later than that finds it listed ({@link #reportHere} lists the watches after the change took its
     * number).
     */
    public synchronized void add(Watch w) {
        w.armedAt = sequence.current();
        watches.add(w);
    }

    public synchronized void remove(Watch w) {
        watches.remove(w);
    }

    /**
     * The directory {@code dir} became delete-pending: the requests waiting on its handles complete with
     * STATUS_DELETE_PENDING, as Windows and Samba answer (smbtorture smb2.notify.rmdir1-4), since no change
     * below it can come any more.
     */
    public void deletePending(Path dir) {
        deletePendingHere(dir);
        otherWorkersDeletePending.accept(dir);
    }

    /**
     * Multi-process mode, before any watch is armed: changes are numbered by {@code shared} (one sequence for every
     * worker), and the changes and delete-pending directories this process reports go to {@code changes} and
     * {@code deletePending} too (messages to the other workers, which report them with the "here" methods).
     */
    public void alsoReportTo(Sequence shared, Forward changes, Consumer<Path> deletePending) {
        synchronized (this) {
            if (!watches.isEmpty()) {
                throw new IllegalStateException(watches.size() + " watches are armed already: their numbers come"
                        + " from the sequence being replaced");
            }
            this.sequence = shared;
        }
        this.otherWorkers = changes;
        this.otherWorkersDeletePending = deletePending;
    }

    /** {@link #deletePending} for the watches of this process only (what another worker reported). */
    public void deletePendingHere(Path dir) {
        List<Watch> targets;
        synchronized (this) {
            targets = watches.stream().filter(w -> w.dir.equals(dir)).toList();
        }
        for (Watch w : targets) {
            w.onDeletePending.run();
        }
    }

    /**
     * Reports {@code changes} (one operation, e.g. both names of a rename, already made) to every matching watch
     * armed before now. Called before the operation's request is answered, so that a watch armed after the answer
     * never sees it.
     */
    public void report(List<Change> changes) {
        long n = sequence.next();
        reportHere(n, changes);
        otherWorkers.changes(n, changes);
    }

    /**
     * {@link #report(List)} to the watches of this process only, for changes numbered {@code number} (what another
     * worker reported): a watch armed when that number was already taken does not see them.
     */
    public void reportHere(long number, List<Change> changes) {
        List<Watch> targets;
        synchronized (this) {
            targets = watches.stream().filter(w -> w.armedAt < number).toList();
        }
        for (Watch w : targets) {
            List<Event> events = new ArrayList<>();
            for (Change c : changes) {
                Path parent = c.path().getParent();
                boolean below = parent != null && (parent.equals(w.dir) || (w.recursive && c.path().startsWith(w.dir)
                        && !c.path().equals(w.dir)));
                if (below && (w.filter & c.filterBits()) != 0) {
                    events.add(new Event(c.action(),
                            KeyNames.decode(w.dir.relativize(c.path()).toString()).replace('/', '\\')));
                }
            }
            if (!events.isEmpty()) {
                w.deliver(events);
            }
        }
    }

    /** Convenience for one change. */
    public void report(Path path, int action, int filterBits) {
        report(List.of(new Change(path, action, filterBits)));
    }

    /** The sequence of one process: its changes are the only ones its watches see. */
    public static Sequence inProcess() {
        AtomicLong n = new AtomicLong();
        return new Sequence() {
            @Override
            public long next() {
                return n.incrementAndGet();
            }

            @Override
            public long current() {
                return n.get();
            }
        };
    }

    /** The name-change filter bit for a file or a directory. */
    public static int nameBit(boolean directory) {
        return directory ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;
    }
}
