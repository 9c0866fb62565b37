package io.swrap.smb.transport;

import io.swrap.smb.config.ConnectionLimits;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The server-wide counts behind {@link ConnectionLimits}: open connections, sessions still
 * authenticating, and bytes reserved by frames being received. Shared by every event loop.
 */
public final class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class.getName());
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final ConnectionLimits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pendingSessions = new AtomicInteger();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong refusedSinceLog = new AtomicLong();

    public Admission(ConnectionLimits limits) {
        this.limits = limits;
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** Counts a new connection, or answers false (uncounted) when {@code max connections} are open. */
    public boolean tryAddConnection(Object peer) {
        if (connections.incrementAndGet() <= limits.maxConnections()) {
            return true;
        }
        connections.decrementAndGet();
        // a flood of refusals must not become a flood of log lines: at most one a second, with the count
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warning("refused " + refused + " connection(s) (latest from " + peer + "): "
                    + limits.maxConnections() + " are open (smbserver:max connections)");
        }
        return false;
    }

    public void removeConnection() {
        connections.decrementAndGet();
    }

    public int connections() {
        return connections.get();
    }

    /** Counts a session starting to authenticate, or answers false when {@code max pending sessions} are. */
    public boolean tryBeginAuth() {
        if (pendingSessions.incrementAndGet() <= limits.maxPendingSessions()) {
            return true;
        }
        pendingSessions.decrementAndGet();
        return false;
    }

    public void endAuth() {
        pendingSessions.decrementAndGet();
    }

    /** Reserves {@code bytes} of the buffer budget for a frame being received, or answers false. */
    public boolean tryReserve(long bytes) {
        if (buffered.addAndGet(bytes) <= limits.maxBufferedBytes()) {
            return true;
        }
        buffered.addAndGet(-bytes);
        return false;
    }

    public void release(long bytes) {
        buffered.addAndGet(-bytes);
    }
}
