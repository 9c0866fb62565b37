package io.swrap.agent.net;

/**
 * A socket's name in the socket directory, as C socket_wrapper writes it: {@code %c%02X%04X} —
 * type letter, interface, port. {@code T0B01BD} is TCP on interface 11, port 445.
 *
 * @param type  {@link #TCP_V4}, {@link #UDP_V4}, {@link #TCP_V6} or {@link #UDP_V6}
 * @param iface interface number, 1..64
 * @param port  port, 0..65535
 */
public record SocketName(char type, int iface, int port) {
    public static final char TCP_V4 = 'T';
    public static final char UDP_V4 = 'U';
    public static final char TCP_V6 = 'X';
    public static final char UDP_V6 = 'Y';

    /** Length of every socket file name. */
    public static final int LENGTH = 7;

    public SocketName {
        if (type != TCP_V4 && type != UDP_V4 && type != TCP_V6 && type != UDP_V6) {
            throw new IllegalArgumentException("type: " + type + " (expected: T, U, X or Y)");
        }
        if (iface < 1 || iface > 64) {
            throw new IllegalArgumentException("iface: " + iface + " (expected: 1..64)");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    public boolean ipv6() {
        return type == TCP_V6 || type == UDP_V6;
    }

    public boolean stream() {
        return type == TCP_V4 || type == TCP_V6;
    }

    /** The file name, e.g. {@code T0B01BD}: C's {@code "%c%02X%04X"}, without a formatter on the connect path. */
    public String fileName() {
        char[] c = new char[LENGTH];
        c[0] = type;
        c[1] = HEX[iface >> 4];
        c[2] = HEX[iface & 0xF];
        c[3] = HEX[port >> 12];
        c[4] = HEX[(port >> 8) & 0xF];
        c[5] = HEX[(port >> 4) & 0xF];
        c[6] = HEX[port & 0xF];
        return new String(c);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Parses a file name (or a path ending in one), or returns null when it is not a socket_wrapper
     * name — the same test C applies with {@code sscanf(p, "%c%02X%04X")} plus its range checks.
     */
    public static SocketName parse(String pathOrName) {
        if (pathOrName == null) {
            return null;
        }
        String name = pathOrName.substring(pathOrName.lastIndexOf('/') + 1);
        if (name.length() != LENGTH) {
            return null;
        }
        char type = name.charAt(0);
        if (type != TCP_V4 && type != UDP_V4 && type != TCP_V6 && type != UDP_V6) {
            return null;
        }
        int iface = hex(name, 1, 3);
        int port = hex(name, 3, 7);
        if (iface < 1 || iface > 64 || port < 0) {
            return null;
        }
        return new SocketName(type, iface, port);
    }

    private static int hex(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    @Override
    public String toString() {
        return fileName();
    }
}
