package io.swrap.agent.names;

import io.swrap.agent.SwrapLog;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * cwrap resolv_wrapper's hosts file ({@code RESOLV_WRAPPER_HOSTS}): one record a line,
 * {@code TYPE key data}, e.g. {@code A dc1.samba.example 127.0.0.21},
 * {@code AAAA dc1.samba.example fd00::5357:5f15}, {@code CNAME www.samba.example dc1.samba.example},
 * {@code PTR 21.0.0.127.in-addr.arpa dc1.samba.example}. Keys match case-insensitively; a trailing
 * dot of the query is ignored. A, AAAA, CNAME and PTR answer lookups; resolv_wrapper's other types
 * (NS, SRV, URI, SOA, TXT) are accepted and serve no InetAddress lookup; any other type and
 * malformed lines are skipped with one warning each. Read at every lookup, as resolv_wrapper
 * does, so a test may write names while processes run (the JDK caches answers for 30 s).
 */
public final class HostsFile {
    /** A hosts file larger than this is refused: it is a test fixture, not a zone. */
    static final long MAX_BYTES = 4L << 20;
    /** CNAME chains longer than this are a loop (resolv_wrapper stops at 64 records). */
    static final int MAX_CNAME_DEPTH = 16;
    private static final Set<String> OTHER_TYPES = Set.of("NS", "SRV", "URI", "SOA", "TXT");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final Path path;

    public HostsFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    record Entry(String type, String key, String data) {
    }

    /** The addresses of {@code name}, following CNAMEs, in file order; empty if none. */
    public List<InetAddress> addresses(String name) throws IOException {
        List<Entry> entries = read();
        List<InetAddress> out = new ArrayList<>();
        String query = normalise(name);
        for (int depth = 0; depth < MAX_CNAME_DEPTH; depth++) {
            String alias = null;
            for (Entry e : entries) {
                if (!e.key().equals(query)) {
                    continue;
                }
                switch (e.type()) {
                    case "A", "AAAA" -> {
                        InetAddress a = literal(e);
                        if (a != null) {
                            out.add(InetAddress.getByAddress(name, a.getAddress()));
                        }
                    }
                    case "CNAME" -> alias = alias == null ? normalise(e.data()) : alias;
                    default -> { }
                }
            }
            if (!out.isEmpty() || alias == null) {
                return out;
            }
            query = alias;
        }
        warnOnce("cname:" + name, "CNAME chain of " + name + " in " + path + " is longer than " + MAX_CNAME_DEPTH
                + " (a loop?): not resolved");
        return out;
    }

    /** The name of {@code address}: its PTR record, else the first A/AAAA record holding it; null if none. */
    public String nameOf(InetAddress address) throws IOException {
        List<Entry> entries = read();
        String ptr = reverseName(address);
        for (Entry e : entries) {
            if (e.type().equals("PTR") && e.key().equals(ptr)) {
                return stripDot(e.data());
            }
        }
        for (Entry e : entries) {
            if (e.type().equals("A") || e.type().equals("AAAA")) {
                InetAddress a = literal(e);
                if (a != null && a.equals(address)) {
                    return e.key();
                }
            }
        }
        return null;
    }

    List<Entry> read() throws IOException {
        long size = Files.size(path);
        if (size > MAX_BYTES) {
            throw new IOException(path + " is " + size + " bytes (limit " + MAX_BYTES
                    + " for a RESOLV_WRAPPER_HOSTS file)");
        }
        List<Entry> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+", 3);
            if (parts.length < 3) {
                warnOnce(path + ":" + lineNo, path + ":" + lineNo + ": malformed line skipped (expected: TYPE name"
                        + " data, e.g. A host.example 127.0.0.11): " + t);
                continue;
            }
            String type = parts[0].toUpperCase(Locale.ROOT);
            if (!type.equals("A") && !type.equals("AAAA") && !type.equals("CNAME") && !type.equals("PTR")
                    && !OTHER_TYPES.contains(type)) {
                warnOnce("type:" + type, path + ":" + lineNo + ": record type " + parts[0]
                        + " is not one resolv_wrapper knows: skipped");
                continue;
            }
            out.add(new Entry(type, normalise(parts[1]), parts[2].strip()));
        }
        return out;
    }

    private InetAddress literal(Entry e) {
        try {
            return e.type().equals("A") ? Inet4Address.ofLiteral(e.data()) : Inet6Address.ofLiteral(e.data());
        } catch (IllegalArgumentException ex) {
            warnOnce("literal:" + e, path + ": " + e.type() + " " + e.key() + " " + e.data()
                    + ": not an IPv" + (e.type().equals("A") ? "4" : "6") + " address: skipped");
            return null;
        }
    }

    /** {@code 11.0.0.127.in-addr.arpa}, or the nibble form under {@code ip6.arpa}. */
    static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xFF).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xF, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    static String normalise(String name) {
        return stripDot(name).toLowerCase(Locale.ROOT);
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static void warnOnce(String key, String message) {
        if (WARNED.add(key)) {
            SwrapLog.warn("rwrap_hosts", message);
        }
    }
}
