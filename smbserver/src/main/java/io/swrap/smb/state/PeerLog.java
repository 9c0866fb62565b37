package io.swrap.smb.state;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log lines one connection's peer can cause (its bad requests, refused operations): at most
 * {@link #LINES_PER_WINDOW} per {@link #WINDOW_NANOS}; the lines dropped in a window are counted and
 * reported in one line when the next one is let through. A flood of malformed requests thus costs a few
 * lines, not one per request. Used from the connection's event loop.
 */
public final class PeerLog {
    public static final int LINES_PER_WINDOW = 20;
    public static final long WINDOW_NANOS = 10_000_000_000L;

    private final Supplier<Object> peer;
    private long windowStart = System.nanoTime();
    private int lines;
    private long suppressed;

    /** @param peer names the connection's peer in each line (evaluated only when a line is written) */
    public PeerLog(Supplier<Object> peer) {
        this.peer = peer;
    }

    /** Logs "{@code peer} {@code message}" to {@code log} at {@code level}, unless this window's lines are used up. */
    public synchronized void log(Logger log, Level level, Supplier<String> message) {
        if (!log.isLoggable(level)) {
            return;
        }
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            lines = 0;
        }
        if (lines >= LINES_PER_WINDOW) {
            suppressed++;
            return;
        }
        lines++;
        String dropped = suppressed == 0 ? "" : " (" + suppressed + " earlier lines about this peer suppressed: more than "
                + LINES_PER_WINDOW + " in " + WINDOW_NANOS / 1_000_000_000L + " s)";
        suppressed = 0;
        log.log(level, peer.get() + " " + message.get() + dropped);
    }
}
