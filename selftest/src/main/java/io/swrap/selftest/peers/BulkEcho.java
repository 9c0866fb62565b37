package io.swrap.selftest.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

/**
 * A byte echo for capture and fault tests: {@code BulkEcho server HOST:PORT} echoes every
 * connection until the peer's FIN, then closes (prints {@code LISTENING}, {@code CLOSED n});
 * {@code BulkEcho client HOST:PORT SIZE [ROUNDS]} writes SIZE bytes in one write per round while it
 * reads them back, then shuts its output down and waits for the server's FIN ({@code TIMED start_ms=S
 * end_ms=E}, wall clock from connected to the FIN, then {@code DONE n}), or prints {@code FAILED <exception>}.
 */
public final class BulkEcho {
    private static final int BUFFER = 64 * 1024;

    private BulkEcho() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress addr = Addr.parse(args[1]);
        switch (args[0]) {
            case "server" -> server(addr);
            case "client" -> {
                try {
                    client(addr, Integer.parseInt(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 1);
                } catch (IOException e) {
                    System.out.println("FAILED " + e);
                }
            }
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: server, client)");
        }
    }

    private static void server(InetSocketAddress addr) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(addr);
        EchoServer.println("LISTENING " + ss.getLocalSocketAddress());
        while (true) {
            Socket s = ss.accept();
            Thread.ofPlatform().start(() -> {
                long n = 0;
                try (s) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] b = new byte[BUFFER];
                    int r;
                    while ((r = in.read(b)) > 0) {
                        out.write(b, 0, r);
                        n += r;
                    }
                    EchoServer.println("CLOSED " + n);
                } catch (IOException e) {
                    EchoServer.println("ERROR after " + n + " bytes: " + e);
                }
            });
        }
    }

    private static void client(InetSocketAddress addr, int size, int rounds) throws IOException {
        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
            System.out.println("CONNECTED local=" + s.getLocalSocketAddress());
            long start = System.currentTimeMillis();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] msg = new byte[size];
            byte[] back = new byte[size];
            for (int round = 0; round < rounds; round++) {
                Arrays.fill(msg, (byte) ('a' + round % 26));
                // written from another thread while the echo is read: a large round would otherwise
                // fill both directions' buffers and stall
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        out.write(msg);
                    } catch (IOException e) {
                        System.out.println("FAILED write: " + e);
                    }
                });
                int got = 0;
                while (got < size) {
                    int r = in.read(back, got, size - got);
                    if (r < 0) {
                        throw new IOException("end of stream after " + got + " of " + size + " bytes echoed");
                    }
                    got += r;
                }
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing round " + round, e);
                }
                if (!Arrays.equals(msg, back)) {
                    throw new IOException("round " + round + ": the echo differs from what was sent");
                }
            }
            s.shutdownOutput();
            if (in.read() != -1) {
                throw new IOException("more data after the echo");
            }
            System.out.println("TIMED start_ms=" + start + " end_ms=" + System.currentTimeMillis());
            System.out.println("DONE " + (long) size * rounds);
        }
    }
}
