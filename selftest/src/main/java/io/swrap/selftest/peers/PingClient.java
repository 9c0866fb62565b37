package io.swrap.selftest.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A client that keeps one connection to a line echo server busy, for the fault tests:
 * {@code PingClient socket|selector HOST:PORT}. Prints {@code CONNECTED local=<addr>}, then
 * {@code ECHO ping N} for every echoed line (one every 100 ms), and {@code ERROR <exception>} when
 * the connection fails ({@code EOF} when the server closes it). socket: blocking java.net.Socket;
 * selector: a non-blocking SocketChannel driven by a Selector.
 */
public final class PingClient {
    private static final long PERIOD_MS = 100;

    private PingClient() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress addr = Addr.parse(args[1]);
        try {
            switch (args[0]) {
                case "socket" -> socket(addr);
                case "selector" -> selector(addr);
                default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: socket, selector)");
            }
        } catch (IOException e) {
            System.out.println("ERROR " + e);
        }
    }

    private static void socket(InetSocketAddress addr) throws Exception {
        try (Socket s = new Socket(addr.getAddress(), addr.getPort());
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            System.out.println("CONNECTED local=" + s.getLocalSocketAddress());
            for (long n = 0; ; n++) {
                out.println("ping " + n);
                String line = in.readLine();
                if (line == null) {
                    System.out.println("EOF");
                    return;
                }
                System.out.println("ECHO " + line);
                Thread.sleep(PERIOD_MS);
            }
        }
    }

    private static void selector(InetSocketAddress addr) throws Exception {
        try (SocketChannel ch = SocketChannel.open(addr); Selector sel = Selector.open()) {
            System.out.println("CONNECTED local=" + ch.getLocalAddress());
            ch.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(4096);
            StringBuilder line = new StringBuilder();
            for (long n = 0; ; n++) {
                ByteBuffer out = ByteBuffer.wrap(("ping " + n + "\n").getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.register(sel, SelectionKey.OP_WRITE);
                    sel.select();
                    sel.selectedKeys().clear();
                    ch.write(out);
                }
                ch.register(sel, SelectionKey.OP_READ);
                while (line.indexOf("\n") < 0) {
                    sel.select();
                    sel.selectedKeys().clear();
                    in.clear();
                    int r = ch.read(in);
                    if (r < 0) {
                        System.out.println("EOF");
                        return;
                    }
                    line.append(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                }
                System.out.println("ECHO " + line.substring(0, line.indexOf("\n")));
                line.delete(0, line.indexOf("\n") + 1);
                Thread.sleep(PERIOD_MS);
            }
        }
    }
}
