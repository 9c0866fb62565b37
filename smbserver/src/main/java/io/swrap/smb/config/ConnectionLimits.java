package io.swrap.smb.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one peer may hold before and after logon, so that no peer can exhaust the server's heap,
 * direct memory or descriptors ({@code smbserver/README.md}, "Connection limits"). Settings, defaults
 * and ranges (sizes accept a K, M or G suffix):
 * <ul>
 *   <li>{@code smbserver:max connections} (1..1000000, default 1000): open connections in all; one more is
 *       closed at once. Samba's {@code max smbd processes} counts processes (one per client, several
 *       channels each), this counts connections.</li>
 *   <li>{@code smbserver:max sessions per connection} (1..65534, default 64): sessions of a connection,
 *       established or still authenticating; one more SESSION_SETUP is answered
 *       STATUS_INSUFFICIENT_RESOURCES, as Samba does when its session table is full.</li>
 *   <li>{@code smbserver:max pending sessions} (1..1000000, default 256): sessions of all connections whose
 *       SESSION_SETUP has not completed; beyond: STATUS_INSUFFICIENT_RESOURCES.</li>
 *   <li>{@code smbserver:max pre-auth frame} (4K..16M-1, default 64K): the largest frame a connection may
 *       announce before it has a logged-on session; the length field is checked before any byte is kept.</li>
 *   <li>{@code smbserver:max frame} (64K..16M-1, default 9M): the largest frame after logon (the 8 MiB
 *       WRITE/READ/IOCTL the server offers plus headers): the per-connection buffer budget.</li>
 *   <li>{@code smbserver:max buffered bytes} (1M..64G, default 256M): frames being received, all connections
 *       together; a frame that does not fit closes its connection.</li>
 *   <li>{@code smbserver:pre-auth timeout} (seconds, 1..3600, default 60): a connection without a logged-on
 *       session is closed after it; a SESSION_SETUP exchange left half-done is dropped after it.</li>
 *   <li>{@code deadtime} (minutes, 0..10080, default 15; 0 = never): as Samba's, a connection without open
 *       files that sent nothing for that long is closed (Samba's default is 0).</li>
 *   <li>{@code smbserver:max unsent bytes} (64K..1G, default 8M): replies waiting for a peer that does not
 *       read them; above it the connection is not read until they drained to half of it.</li>
 * </ul>
 */
public record ConnectionLimits(int maxConnections, int maxSessionsPerConnection, int maxPendingSessions,
        int maxPreauthFrame, int maxFrame, long maxBufferedBytes, Duration preauthTimeout, Duration deadtime,
        int maxUnsentBytes) {
    private static final long K = 1024;
    private static final long M = K * K;
    private static final long G = M * K;
    /** Direct TCP ([MS-SMB2] 2.1): the length is 3 bytes. */
    public static final int PROTOCOL_MAX_FRAME = 0x00FFFFFF;

    /** The settings above, normalized as the parser does (no spaces, lower case). */
    static final List<String> KEYS = List.of("smbserver:maxconnections", "smbserver:maxsessionsperconnection",
            "smbserver:maxpendingsessions", "smbserver:maxpre-authframe", "smbserver:maxframe",
            "smbserver:maxbufferedbytes", "smbserver:pre-authtimeout", "deadtime", "smbserver:maxunsentbytes");

    /** Every limit at its default. */
    public static ConnectionLimits defaults() {
        return new ConnectionLimits(1000, 64, 256, (int) (64 * K), (int) (9 * M), 256 * M, Duration.ofSeconds(60),
                Duration.ofMinutes(15), (int) (8 * M));
    }

    /** A [global] setting's value and line; {@code value} is null when it is not set. */
    interface Setting {
        String value(String key);

        int line(String key);
    }

    static ConnectionLimits parse(String fileName, Setting s) throws ConfigException {
        ConnectionLimits d = defaults();
        Reader r = new Reader(fileName, s);
        int maxFrame = (int) r.size("smbserver:maxframe", "smbserver:max frame", d.maxFrame, 64 * K,
                PROTOCOL_MAX_FRAME);
        int preauthFrame = (int) r.size("smbserver:maxpre-authframe", "smbserver:max pre-auth frame",
                d.maxPreauthFrame, 4 * K, PROTOCOL_MAX_FRAME);
        if (preauthFrame > maxFrame) {
            throw new ConfigException(fileName, s.line("smbserver:maxpre-authframe"), "smbserver:max pre-auth frame: "
                    + preauthFrame + " is above smbserver:max frame " + maxFrame + " (expected: at most that)");
        }
        long buffered = r.size("smbserver:maxbufferedbytes", "smbserver:max buffered bytes", d.maxBufferedBytes, M,
                64 * G);
        if (buffered < maxFrame) {
            throw new ConfigException(fileName, s.line("smbserver:maxbufferedbytes"), "smbserver:max buffered bytes: "
                    + buffered + " is below smbserver:max frame " + maxFrame + " (expected: at least one frame)");
        }
        return new ConnectionLimits(
                (int) r.number("smbserver:maxconnections", "smbserver:max connections", d.maxConnections, 1,
                        1_000_000),
                (int) r.number("smbserver:maxsessionsperconnection", "smbserver:max sessions per connection",
                        d.maxSessionsPerConnection, 1, 65534),
                (int) r.number("smbserver:maxpendingsessions", "smbserver:max pending sessions",
                        d.maxPendingSessions, 1, 1_000_000),
                preauthFrame, maxFrame, buffered,
                Duration.ofSeconds(r.number("smbserver:pre-authtimeout", "smbserver:pre-auth timeout",
                        d.preauthTimeout.toSeconds(), 1, 3600)),
                Duration.ofMinutes(r.number("deadtime", "deadtime", d.deadtime.toMinutes(), 0, 10080)),
                (int) r.size("smbserver:maxunsentbytes", "smbserver:max unsent bytes", d.maxUnsentBytes, 64 * K, G));
    }

    private record Reader(String fileName, Setting s) {
        long number(String key, String name, long dflt, long min, long max) throws ConfigException {
            return parse(key, name, dflt, min, max, false);
        }

        long size(String key, String name, long dflt, long min, long max) throws ConfigException {
            return parse(key, name, dflt, min, max, true);
        }

        private long parse(String key, String name, long dflt, long min, long max, boolean size)
                throws ConfigException {
            String v = s.value(key);
            if (v == null) {
                return dflt;
            }
            String digits = v.strip().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (size && !digits.isEmpty()) {
                unit = switch (digits.charAt(digits.length() - 1)) {
                    case 'K' -> K;
                    case 'M' -> M;
                    case 'G' -> G;
                    default -> 1;
                };
                if (unit != 1) {
                    digits = digits.substring(0, digits.length() - 1).strip();
                }
            }
            long n;
            try {
                n = Math.multiplyExact(Long.parseLong(digits), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                n = -1;
            }
            if (n < min || n > max || !digits.matches("[0-9]+")) {
                throw new ConfigException(fileName, s.line(key), name + ": " + v + " (expected: " + min + ".." + max
                        + (size ? " bytes, or with a K, M or G suffix" : "") + ")");
            }
            return n;
        }
    }
}
