package io.swrap.smb.vfs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Server-wide change notification ([MS-FSA] 2.1.5.10, [MS-SMB2] 3.3.5.19 CHANGE_NOTIFY): handlers report
 * the changes they make, and each watched directory handle gets the ones below it that match its filter.
 * Changes made outside this server (directly on the disk) are not seen.
 * Events arrive while no CHANGE_NOTIFY is pending are queued per handle, up to {@link Watch#MAX_QUEUED},
 * after which the handle reports STATUS_NOTIFY_ENUM_DIR ("too many changes, enumerate the directory").
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

    private final List<Watch> watches = new ArrayList<>();
    /** Multi-process mode: where this process's changes go for the watches of the other workers. */
    private volatile Consumer<List<Change>> otherWorkers = changes -> { };
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

    public synchronized void add(Watch w) {
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
     * Multi-process mode: the changes and delete-pending directories this process reports go to {@code changes}
     * and {@code deletePending} too (messages to the other workers, which report them with the "here" methods).
     */
    public void alsoReportTo(Consumer<List<Change>> changes, Consumer<Path> deletePending) {
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

    /** Reports {@code changes} (one operation, e.g. both names of a rename) to every matching watch. */
    public void report(List<Change> changes) {
        reportHere(changes);
        otherWorkers.accept(changes);
    }

    /** {@link #report(List)} to the watches of this process only (what another worker reported). */
    public void reportHere(List<Change> changes) {
        List<Watch> targets;
        synchronized (this) {
            targets = List.copyOf(watches);
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

    /** The name-change filter bit for a file or a directory. */
    public static int nameBit(boolean directory) {
        return directory ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;
    }
}
