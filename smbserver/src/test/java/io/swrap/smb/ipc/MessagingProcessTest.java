package io.swrap.smb.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The messaging transport between real worker processes ({@link MessagingPeer} JVMs sharing one directory, as a
 * master's workers do): wake-ups and breaks reach the other process's event loop; datagrams too long or
 * malformed are refused with a log line while the receiver goes on; a message to a killed, an unknown or a
 * stalled worker is dropped, logged once and reported to the sender's cleanup.
 */
class MessagingProcessTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;
    private final List<Peer> peers = new ArrayList<>();

    /** One child JVM: its stdin for commands, its stdout lines, its log (stderr) in a file. */
    private final class Peer {
        final Process process;
        final Writer in;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Path log;
        final long pid;

        Peer(String name) throws Exception {
            log = dir.resolve(name + ".log");
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-ea",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    MessagingPeer.class.getName(), dir.toString()).redirectError(log.toFile()).start();
            peers.add(this);
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            }, "peer-reader-" + name);
            reader.setDaemon(true);
            reader.start();
            pid = Long.parseLong(await("ready ").substring("ready ".length()));
            assertEquals(process.pid(), pid);
        }

        void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        /** The next line starting with {@code prefix}; lines before it are skipped. */
        String await(String prefix) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("no line '" + prefix + "...' from pid " + process.pid()
                            + " in " + WAIT_SECONDS + " s; its log:\n" + logText());
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
        }

        /** Parks a request on loop 1 and answers its waiter as "PID WORKER TICKET". */
        String park() throws Exception {
            send("park 1");
            return await("parked ").substring("parked ".length());
        }

        /** Asks for the counters until they satisfy {@code ok} (threads send and receive in the background). */
        String stats(java.util.function.Predicate<String> ok) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                send("stats");
                String st = await("stats ");
                if (ok.test(st) || System.nanoTime() - deadline > 0) {
                    return st;
                }
                Thread.sleep(50);
            }
        }

        String stats(String expected) throws Exception {
            return stats(expected::equals);
        }

        String logText() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        }

        long count(String logged) throws IOException {
            return logText().lines().filter(l -> l.contains(logged)).count();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Peer p : peers) {
            p.process.destroyForcibly();
            p.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWakeAndBothBreaksReachTheOtherWorkersLoop() throws Exception {
        Peer a = new Peer("a");
        Peer b = new Peer("b");
        String waiter = a.park();
        assertTrue(waiter.startsWith(a.pid + " 1 "), waiter);
        long ticket = Long.parseLong(waiter.split(" ")[2]);
        b.send("wake " + waiter);
        assertEquals("woken " + ticket + " on peer-loop-1", a.await("woken "));

        b.send("oplock-break " + a.pid + " 1");
        assertEquals("break oplock 1/2 open 3/4 level=1 ack=true from " + b.pid + " on peer-loop-1",
                a.await("break "));
        b.send("lease-break " + a.pid + " 00112233445566778899aabbccddeeff");
        assertEquals("break lease 00000000000000010000000000000002 key=00112233445566778899aabbccddeeff v2 7->1"
                + " epoch=5 ack=true from " + b.pid + " on peer-loop-1", a.await("break "));

        // woken once only: a second wake-up of the same waiter finds nothing parked
        b.send("wake " + waiter);
        String sent = "stats received=0 refused=0 sent=4 dropped=0 parked=0";
        assertEquals(sent, b.stats(sent));
        String received = "stats received=4 refused=0 sent=0 dropped=0 parked=0";
        assertEquals(received, a.stats(received));
        assertTrue(Files.exists(Endpoint.address(dir, a.pid)), "a's socket is named by its pid");
    }

    @Test
    void oversizedAndMalformedDatagramsAreRefusedAndTheReceiverGoesOn() throws Exception {
        Peer a = new Peer("a");
        String waiter = a.park();
        String[] w = waiter.split(" ");
        Message wake = new Message(MessageType.WAKE, 4242, Long.parseLong(w[1]), Long.parseLong(w[2]));
        ByteBuffer good = MessageCodec.encode(wake, 4096);
        byte[] badMagic = new byte[good.remaining()];
        good.duplicate().get(badMagic);
        badMagic[0] = 0x00;
        byte[] oversized = new byte[MessagingPeer.LIMITS.maxMessageSize() + 1];
        ByteBuffer.wrap(oversized).put(good.duplicate());
        ByteBuffer badBreak = MessageCodec.encode(new Message(MessageType.LEASE_BREAK, 4242,
                new long[] {1, 2, 2, 7, 1, 5, 1}, new byte[3]), 4096);
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            AFUNIXSocketAddress to = AFUNIXSocketAddress.of(Endpoint.address(dir, a.pid));
            ch.send(ByteBuffer.wrap(badMagic), to);
            ch.send(ByteBuffer.wrap(oversized), to);
            ch.send(ByteBuffer.wrap(new byte[] {0x53, 0x57}), to);
            ch.send(badBreak, to);
            assertTrue(a.await("refused-break ").endsWith("lease key of 3 bytes (expected: 16)"));
            ch.send(good, to);
        }
        assertEquals("woken " + w[2] + " on peer-loop-1", a.await("woken "));
        String counted = "stats received=2 refused=3 sent=0 dropped=0 parked=0";
        assertEquals(counted, a.stats(counted));
        assertEquals(1, a.count("refused a malformed message: magic 0x574d53 (expected: 0x53574d53)"), a.logText());
        assertEquals(1, a.count("refused a datagram longer than 256 bytes (smbserver:ipc max message size)"),
                a.logText());
        assertEquals(1, a.count("refused a malformed message: datagram of 2 bytes (expected: at least 18)"),
                a.logText());
    }

    @Test
    void messagesToAKilledOrUnknownWorkerAreDroppedLoggedOnceAndReported() throws Exception {
        Peer a = new Peer("a");
        Peer b = new Peer("b");
        String waiter = a.park();
        a.process.destroyForcibly();
        assertTrue(a.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        // its socket file is still there (no master removed it): nobody is bound to it any more
        assertTrue(Files.exists(Endpoint.address(dir, a.pid)));
        b.send("wake " + waiter);
        b.send("wake " + waiter);
        b.send("oplock-break " + a.pid + " 0");
        for (String type : new String[] {"WAKE", "WAKE", "OPLOCK_BREAK"}) {
            String r = b.await("undelivered ");
            assertTrue(r.startsWith("undelivered " + a.pid + " " + type + " "), r);
        }
        assertEquals(1, b.count("cannot deliver to pid " + a.pid + " "), b.logText());

        long unknown = 4_000_000_000L + a.pid; // above any Linux pid
        b.send("lease-break " + unknown + " 00112233445566778899aabbccddeeff");
        assertTrue(b.await("undelivered ").startsWith("undelivered " + unknown + " LEASE_BREAK no socket "));
        String dropped = "stats received=0 refused=0 sent=0 dropped=4 parked=0";
        assertEquals(dropped, b.stats(dropped));
    }

    @Test
    void aStalledWorkerCostsTheSenderAtMostTheSendTimeoutPerMessageAndTheQueueIsBounded() throws Exception {
        Peer a = new Peer("a");
        Peer b = new Peer("b");
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(a.pid)).start().waitFor());
        try {
            // more than the kernel's datagram queue (net.unix.max_dgram_qlen, 10 here) plus the 8 queued to send
            for (int i = 0; i < 40; i++) {
                b.send("wake " + a.pid + " 1 " + (1000 + i));
            }
            String r = b.await("undelivered " + a.pid + " WAKE ");
            assertTrue(r.endsWith("its receive queue stayed full for 300 ms (smbserver:ipc send timeout)")
                    || r.endsWith("8 messages wait to be sent already (smbserver:ipc max queued messages)"), r);
            String stats = b.stats(st -> !st.contains(" dropped=0 "));
            assertTrue(!stats.contains(" dropped=0 "), stats);
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(a.pid)).start().waitFor();
        }
        // the stopped worker takes what its queue held once it runs again, and still answers
        String stats = a.stats(st -> !st.contains("received=0 "));
        assertTrue(!stats.contains("received=0 "), stats);
        assertTrue(b.logText().contains("receive queue stayed full for 300 ms") || b.logText().contains(
                "messages wait to be sent already"), b.logText());
    }
}
