package io.swrap.selftest.peers;

import java.net.InetSocketAddress;

/** Parses {@code 127.0.0.11:445} and {@code [fd00::5357:5f0b]:445}. */
public final class Addr {
    private Addr() {
    }

    public static InetSocketAddress parse(String s) {
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1)));
    }
}
