package io.swrap.selftest.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One benchmark measurement in this JVM (run with or without the agent by {@link BenchRunner}):
 * {@code SocketBench throughput HOST PORT MIB} streams MIB mebibytes through one connection;
 * {@code SocketBench rr HOST PORT COUNT} times connect + 64-byte echo + close, COUNT times after COUNT/4
 * untimed ones. HOST {@code unix:PATH} uses a plain unix socket at PATH instead (PORT ignored): what the
 * agent's sockets are underneath, without the agent.
 * Prints one {@code RESULT <name> <value> <unit>} line; rr adds {@code mean-all <value> us}, the mean over
 * every connection of the JVM from the listener's creation on (the JVM's first socket: linking, class loading,
 * the table's first lock), and {@code first <value> us}, the listener's creation and the first connection.
 */
public final class SocketBench {
    private static final int CHUNK = 1 << 20;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        SocketAddress addr = args[1].startsWith("unix:") ? UnixDomainSocketAddress.of(args[1].substring(5))
                : new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        int n = Integer.parseInt(args[3]);
        long opened = System.nanoTime(); // the JVM's first socket: a wrapped one pays the table's first lock here
        try (ServerSocketChannel server = addr instanceof UnixDomainSocketAddress
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open()) {
            server.bind(addr, 512);
            switch (mode) {
                case "throughput" -> throughput(server, addr, n);
                case "rr" -> roundTrips(server, addr, n, opened);
                default -> throw new IllegalArgumentException("mode: " + mode + " (expected: throughput, rr)");
            }
        }
    }

    private static void throughput(ServerSocketChannel server, SocketAddress addr, int mib) throws Exception {
        Thread sink = Thread.ofPlatform().start(() -> {
            try (SocketChannel ch = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                while (ch.read(buf) >= 0) {
                    buf.clear();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (SocketChannel ch = SocketChannel.open(addr)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            // warm-up: an eighth of the volume, not timed
            send(ch, buf, Math.max(1, mib / 8));
            long start = System.nanoTime();
            send(ch, buf, mib);
            long nanos = System.nanoTime() - start;
            System.out.printf("RESULT throughput %.1f MiB/s%n", mib / (nanos / 1e9));
        }
        sink.join();
    }

    private static void send(SocketChannel ch, ByteBuffer buf, int mib) throws IOException {
        for (int i = 0; i < mib; i++) {
            buf.clear();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    private static void roundTrips(ServerSocketChannel server, SocketAddress addr, int count, long opened) throws Exception {
        Thread echo = Thread.ofPlatform().start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64);
            for (int i = 0; i < count + count / 4; i++) {
                try (SocketChannel ch = server.accept()) {
                    buf.clear();
                    while (buf.hasRemaining() && ch.read(buf) >= 0) {
                        // read the whole request
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        ByteBuffer req = ByteBuffer.allocate(64);
        ByteBuffer resp = ByteBuffer.allocate(64);
        roundTrip(addr, req, resp);
        long first = System.nanoTime() - opened;
        for (int i = 1; i < count / 4; i++) {
            roundTrip(addr, req, resp);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            roundTrip(addr, req, resp);
            nanos[i] = System.nanoTime() - t0;
        }
        double meanAll = (System.nanoTime() - opened) / 1e3 / (count + count / 4);
        echo.join();
        Arrays.sort(nanos);
        System.out.printf("RESULT rr %.1f us mean-all %.1f us first %.1f us%n", nanos[count / 2] / 1e3, meanAll,
                first / 1e3);
    }

    private static void roundTrip(SocketAddress addr, ByteBuffer req, ByteBuffer resp) throws IOException {
        try (SocketChannel ch = SocketChannel.open(addr)) {
            req.clear();
            while (req.hasRemaining()) {
                ch.write(req);
            }
            resp.clear();
            while (resp.hasRemaining() && ch.read(resp) >= 0) {
                // until the echo is complete
            }
        }
    }
}
