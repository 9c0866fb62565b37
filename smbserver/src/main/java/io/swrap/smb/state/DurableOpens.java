package io.swrap.smb.state;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The durable opens whose session lost its last channel ([MS-SMB2] 3.3.7.1: such an open is kept, with
 * its file, share mode, byte-range locks and oplock or lease, for Open.DurableOpenTimeout, so that the
 * client can reconnect it with DHnC/DH2C in a new session). Each is closed when its timeout expires, or
 * at once when another open needs to break its oplock or lease (nobody is there to acknowledge; Samba does
 * the same). Keyed by the persistent FileId. Server-wide, shared by all event loops.
 */
public final class DurableOpens {
    private static final Logger LOG = Logger.getLogger(DurableOpens.class.getName());

    private final Map<Long, Open> opens = new HashMap<>();
    private final Map<Long, ScheduledFuture<?>> timers = new HashMap<>();

    /** Keeps {@code open} (already out of its session) until {@code loop} has run its timeout. */
    synchronized void keep(Open open, EventLoop loop) {
        long id = open.persistentId();
        opens.put(id, open);
        timers.put(id, loop.schedule(() -> expire(open), open.durableTimeoutMs(), TimeUnit.MILLISECONDS));
        LOG.fine(() -> "keeping durable open " + Long.toHexString(id) + " of " + open.path() + " for "
                + open.durableTimeoutMs() + " ms");
    }

    /** The disconnected open with {@code persistentId}, or null. */
    public synchronized Open find(long persistentId) {
        return opens.get(persistentId);
    }

    /** Takes {@code open} out of the table for a reconnect; false when it is gone (expired, purged). */
    public synchronized boolean take(Open open) {
        if (opens.get(open.persistentId()) != open) {
            return false;
        }
        opens.remove(open.persistentId());
        ScheduledFuture<?> t = timers.remove(open.persistentId());
        if (t != null) {
            t.cancel(false);
        }
        return true;
    }

    /** Whether {@code open} is kept here, disconnected. */
    public synchronized boolean isDisconnected(Object open) {
        return open instanceof Open o && opens.get(o.persistentId()) == o;
    }

    /**
     * Closes the disconnected opens that {@code which} selects (another open needs their oplock or lease
     * broken); returns how many.
     */
    public int purge(Predicate<Open> which) {
        List<Open> gone = new ArrayList<>();
        synchronized (this) {
            for (Open o : List.copyOf(opens.values())) {
                if (which.test(o) && take(o)) {
                    gone.add(o);
                }
            }
        }
        for (Open o : gone) {
            LOG.info("closing disconnected durable open " + Long.toHexString(o.persistentId()) + " of " + o.path()
                    + ": another open breaks its oplock or lease");
            o.close();
        }
        return gone.size();
    }

    private void expire(Open open) {
        if (take(open)) {
            LOG.info("durable open " + Long.toHexString(open.persistentId()) + " of " + open.path()
                    + " was not reconnected within " + open.durableTimeoutMs() + " ms: closing it");
            open.close();
        }
    }
}
