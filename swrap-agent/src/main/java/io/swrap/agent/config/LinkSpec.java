package io.swrap.agent.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated bandwidth and latency of one fake interface ({@code SWRAP_LINKS}), as {@code tc}
 * writes them: {@code 11:100mibit,2ms;12:1gbit;13:5ms}.
 *
 * @param iface          the interface, 1..64
 * @param bytesPerSecond its bandwidth each way, 0 for unlimited
 * @param latencyNanos   the delay of a send that follows a pause, 0 for none
 */
public record LinkSpec(int iface, long bytesPerSecond, long latencyNanos) {
    /** The slowest link accepted: below it one MTU would take seconds. */
    public static final long MIN_BYTES_PER_SECOND = 1024;
    /** The longest latency accepted. */
    public static final long MAX_LATENCY_NANOS = 10_000_000_000L;

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kmgt]i?)?(bit|bps)");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s)");
    static final String FORMAT = "IFACE:RATE[,LATENCY] items separated by ';', e.g. 11:100mibit,2ms;12:1gbit;13:5ms"
            + " (RATE: bit, kbit, mbit, gbit, kibit, mibit, gibit, or bytes: bps, kbps, mibps...; LATENCY: us, ms, s)";

    /**
     * Parses {@code value} of the setting called {@code name}; a bad item is a {@link
     * ConfigException} naming the setting, the item and the accepted format.
     */
    static Map<Integer, LinkSpec> parse(String name, String value) {
        Map<Integer, LinkSpec> links = new TreeMap<>();
        for (String item : value.split(";")) {
            String it = item.strip();
            if (it.isEmpty()) {
                continue;
            }
            int colon = it.indexOf(':');
            if (colon < 0) {
                throw bad(name, it, "no ':' after the interface");
            }
            int iface;
            try {
                iface = Integer.parseInt(it.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw bad(name, it, "the interface is not a number");
            }
            if (iface < 1 || iface > SwrapConfig.MAX_INTERFACES) {
                throw bad(name, it, "interface " + iface + " is out of range 1.." + SwrapConfig.MAX_INTERFACES);
            }
            if (links.containsKey(iface)) {
                throw bad(name, it, "interface " + iface + " is listed twice");
            }
            long rate = 0;
            long latency = 0;
            // ',' separates rate and latency; '/' too, for agent arguments, which are ','-separated
            for (String part : it.substring(colon + 1).split("[,/]")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                Matcher r = RATE.matcher(p);
                Matcher t = TIME.matcher(p);
                if (r.matches() && rate == 0) {
                    rate = rate(r);
                    if (rate < MIN_BYTES_PER_SECOND) {
                        throw bad(name, it, p + " is below the minimum of " + MIN_BYTES_PER_SECOND + " bytes/s");
                    }
                } else if (t.matches() && latency == 0) {
                    latency = nanos(t);
                    if (latency > MAX_LATENCY_NANOS) {
                        throw bad(name, it, p + " is above the maximum of 10s");
                    }
                } else {
                    throw bad(name, it, "'" + part.strip() + "' is neither a rate nor a latency, or repeats one");
                }
            }
            links.put(iface, new LinkSpec(iface, rate, latency));
        }
        return java.util.Collections.unmodifiableMap(links);
    }

    private static long rate(Matcher m) {
        double n = Double.parseDouble(m.group(1));
        String prefix = m.group(2) == null ? "" : m.group(2);
        double scale = switch (prefix) {
            case "" -> 1;
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            case "t" -> 1e12;
            case "ki" -> 1024.0;
            case "mi" -> 1024.0 * 1024;
            case "gi" -> 1024.0 * 1024 * 1024;
            default -> 1024.0 * 1024 * 1024 * 1024; // "ti"
        };
        double bytes = n * scale / (m.group(3).equals("bit") ? 8 : 1);
        return (long) Math.min(bytes, Long.MAX_VALUE / 2.0);
    }

    private static long nanos(Matcher m) {
        double n = Double.parseDouble(m.group(1));
        return (long) switch (m.group(2)) {
            case "us" -> n * 1e3;
            case "ms" -> n * 1e6;
            default -> Math.min(n * 1e9, Long.MAX_VALUE / 2.0);
        };
    }

    private static ConfigException bad(String name, String item, String why) {
        return new ConfigException(name + ": item '" + item + "': " + why + " (expected: " + FORMAT + ")");
    }

    @Override
    public String toString() {
        return iface + ":" + bytesPerSecond + "B/s," + latencyNanos / 1000 + "us";
    }
}
