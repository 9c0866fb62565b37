package io.swrap.smb.config;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;

/**
 * Logging as smb.conf sets it: {@code log level} (Samba's 0..10, mapped by {@link #levelOf}), {@code log file}
 * (null: stderr) and {@code max log size} (KiB, 0 = unlimited; past it the file is renamed to {@code
 * <file>.old} and a new one started, as Samba does), and the lines the parser accepted but does not use,
 * each to be logged once at start-up.
 *
 * @param level the server's java.util.logging level
 * @param ignored "file:line: ..." for each Samba setting or section accepted and ignored
 */
public record LogSettings(Level level, Path file, long maxBytes, List<String> ignored) {
    /** Samba's default {@code max log size}: 5000 KiB. */
    public static final long DEFAULT_MAX_LOG_KIB = 5000;
    /** What runs without a {@code log level}: refused requests and start-up lines (INFO), as before. */
    public static final Level DEFAULT_LEVEL = Level.INFO;

    public LogSettings {
        ignored = List.copyOf(ignored);
    }

    /**
     * Samba's debug levels onto this server's: 0 errors and closed connections (WARNING), 1..2 also refused
     * requests and start-up (INFO), 3..4 FINE, 5..9 FINER, 10 everything (FINEST).
     */
    public static Level levelOf(int samba) {
        if (samba <= 0) {
            return Level.WARNING;
        }
        if (samba <= 2) {
            return Level.INFO;
        }
        if (samba <= 4) {
            return Level.FINE;
        }
        return samba <= 9 ? Level.FINER : Level.FINEST;
    }
}
