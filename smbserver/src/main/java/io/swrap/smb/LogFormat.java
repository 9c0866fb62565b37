package io.swrap.smb;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log format, like socket_wrapper's: one line per event, {@code SMBSERVER[pid] LEVEL logger:
 * message}. A stack trace follows only a SEVERE record: those report the server's own bugs, while what a
 * peer does wrong is logged below SEVERE and never carries a trace (its exception names what was wrong).
 */
public final class LogFormat extends Formatter {
    private static final long PID = ProcessHandle.current().pid();

    @Override
    public String format(LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder sb = new StringBuilder("SMBSERVER[").append(PID).append("] ").append(r.getLevel().getName())
                .append(' ').append(logger).append(": ").append(printable(formatMessage(r)));
        boolean trace = r.getThrown() != null && r.getLevel().intValue() >= Level.SEVERE.intValue();
        if (r.getThrown() != null && !trace) {
            sb.append(" (").append(printable(String.valueOf(r.getThrown()))).append(')');
        }
        sb.append('\n');
        if (trace) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append(w);
        }
        return sb.toString();
    }

    /** Control characters (a peer's bytes in a name, a newline) become '?': one event stays one line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** Replaces the root logger's handlers by one to stderr in this format, at {@code level}. */
    public static void install(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new LogFormat());
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }
}
