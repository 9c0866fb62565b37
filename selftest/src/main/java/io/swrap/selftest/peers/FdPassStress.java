package io.swrap.selftest.peers;

import io.swrap.agent.api.WrappedSockets;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * {@code FdPassStress ID PROCESSES THREADS SECONDS}: one of a ring of processes. Each worker
 * thread (every other one virtual) repeatedly connects to this process's echo server, does a
 * round trip, passes the connection to the next process of the ring and closes its copy —
 * before or after the receiver's ack, alternately. The receiver adopts it, does a round trip on
 * it and closes it. Each worker runs SECONDS from the moment it reached its successor. Prints
 * {@code STRESS id=.. passed=N received=M errors=0} at the end.
 */
public final class FdPassStress {
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger RECEIVED = new AtomicInteger();
    private static final AtomicInteger ERRORS = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        int id = Integer.parseInt(args[0]);
        int processes = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long nanos = Long.parseLong(args[3]) * 1_000_000_000L;
        Path dir = Path.of(System.getenv("SOCKET_WRAPPER_DIR"));
        InetSocketAddress echo = new InetSocketAddress("127.0.0." + (11 + id), 7500);
        ServerSocketChannel echoServer = ServerSocketChannel.open().bind(echo);
        Thread.ofPlatform().daemon().start(() -> echoLoop(echoServer));
        AFUNIXServerSocket ctl = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(ctlPath(dir, id)));
        // a predecessor that failed never connects: end with an error instead of waiting forever
        ctl.setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
        List<Thread> all = new ArrayList<>();
        List<Thread> receivers = new ArrayList<>();
        // the predecessor's workers, one control connection each; accepted aside, as every
        // process of the ring connects to its successor at the same time
        Thread acceptor = Thread.ofPlatform().start(() -> {
            try {
                for (int t = 0; t < threads; t++) {
                    AFUNIXSocket in = ctl.accept();
                    synchronized (receivers) {
                        receivers.add(Thread.ofPlatform().start(() -> receiveLoop(in)));
                    }
                }
            } catch (IOException e) {
                fail(e);
            }
        });
        System.out.println("STARTED " + id);
        Path next = ctlPath(dir, (id + 1) % processes);
        for (int t = 0; t < threads; t++) {
            Runnable work = () -> sendLoop(next, echo, nanos);
            all.add(t % 2 == 0 ? Thread.ofPlatform().start(work) : Thread.ofVirtual().start(work));
        }
        acceptor.join();
        synchronized (receivers) {
            all.addAll(receivers);
        }
        for (Thread t : all) {
            t.join();
        }
        ctl.close();
        echoServer.close();
        System.out.println("STRESS id=" + id + " passed=" + PASSED + " received=" + RECEIVED + " errors=" + ERRORS);
    }

    private static Path ctlPath(Path dir, int id) {
        return dir.resolve("stress-ctl-" + id);
    }

    private static void sendLoop(Path next, InetSocketAddress echo, long nanos) {
        try (AFUNIXSocket out = connect(next)) {
            // timed from here: the whole ring is up once the successor listens
            long deadline = System.nanoTime() + nanos;
            InputStream acks = out.getInputStream();
            OutputStream os = out.getOutputStream();
            for (int i = 0; System.nanoTime() < deadline; i++) {
                SocketChannel ch = SocketChannel.open(echo);
                check(FdPassPeer.echo(ch, "ping " + i), "ping " + i);
                out.setOutboundFileDescriptors(WrappedSockets.fileDescriptor(ch));
                os.write('P');
                if (i % 2 == 0) {
                    ch.close();
                }
                if (acks.read() != 'A') {
                    throw new IOException("no ack from the next process");
                }
                if (i % 2 != 0) {
                    ch.close();
                }
                PASSED.incrementAndGet();
            }
            os.write('B');
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Connects to the successor's control socket, waiting for it to listen: its file exists
     * from bind(), a moment before listen(), so "refused" is retried as well as "missing".
     */
    private static AFUNIXSocket connect(Path ctl) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(ctl));
            } catch (SocketException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(ctl + ": nobody listening within 30 s", e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            }
        }
    }

    private static void receiveLoop(AFUNIXSocket in) {
        try (in) {
            in.setAncillaryReceiveBufferSize(1024);
            InputStream is = in.getInputStream();
            OutputStream os = in.getOutputStream();
            for (int b = is.read(); b == 'P'; b = is.read()) {
                FileDescriptor[] fds = in.getReceivedFileDescriptors();
                if (fds.length != 1) {
                    throw new IOException("received " + fds.length + " descriptors (expected: 1)");
                }
                try (SocketChannel ch = WrappedSockets.adopt(fds[0])) {
                    check(FdPassPeer.echo(ch, "passed"), "passed");
                }
                RECEIVED.incrementAndGet();
                os.write('A');
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private static void echoLoop(ServerSocketChannel ss) {
        while (ss.isOpen()) {
            try {
                SocketChannel c = ss.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (c) {
                        ByteBuffer buf = ByteBuffer.allocate(4096);
                        while (c.read(buf) >= 0) {
                            buf.flip();
                            while (buf.hasRemaining()) {
                                c.write(buf);
                            }
                            buf.clear();
                        }
                    } catch (IOException e) {
                        fail(e);
                    }
                });
            } catch (IOException e) {
                if (ss.isOpen()) {
                    fail(e);
                }
                return;
            }
        }
    }

    private static void check(String got, String expected) throws IOException {
        if (!got.equals(expected)) {
            throw new IOException("echo: " + got + " (expected: " + expected + ")");
        }
    }

    private static synchronized void fail(Exception e) {
        ERRORS.incrementAndGet();
        System.out.println("ERROR " + e);
        e.printStackTrace(System.out);
    }
}
