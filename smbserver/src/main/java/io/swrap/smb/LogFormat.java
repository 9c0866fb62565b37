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
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new LogFormat());
        install(h, level);
    }

    /**
     * Logs as smb.conf says ({@code log level}, {@code log file}, {@code max log size}), then the settings it
     * accepted and ignores, one line each.
     *
     * @throws java.io.IOException when the log file cannot be opened for appending
     */
    public static void install(io.swrap.smb.config.LogSettings s) throws java.io.IOException {
        if (s.file() == null) {
            install(s.level());
        } else {
            install(new LogFileHandler(s.file(), s.maxBytes()), s.level());
        }
        Logger config = Logger.getLogger(io.swrap.smb.config.SmbConfParser.class.getName());
        for (String line : s.ignored()) {
            config.info(line);
        }
    }

    private static void install(Handler h, Level level) {
        Logger root = Logger.getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
            old.close();
        }
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }
}
