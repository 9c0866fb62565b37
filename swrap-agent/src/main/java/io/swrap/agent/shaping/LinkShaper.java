package io.swrap.agent.shaping;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.config.LinkSpec;
import io.swrap.agent.faults.Faults;
import io.swrap.agent.table.Handle;
import io.swrap.agent.table.SocketTable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Link emulation ({@code SWRAP_LINKS}): the bandwidth and latency of fake interfaces, applied to
 * the stream writes of wrapped sockets.
 *
 * <p><b>Bandwidth.</b> Each interface has a transmit and a receive token bucket, kept as a "busy
 * until" time ({@link System#nanoTime}, CLOCK_MONOTONIC: one clock for every process of the host)
 * in the file {@value #FILE} of the socket directory, which every process of the network maps:
 * all sockets of a NIC, in all processes, share its bandwidth. A write from interface L to
 * interface P first waits while L's transmit or P's receive bucket is busy more than {@link
 * #BURST_NANOS} ahead, then is charged what it really wrote (a partial write pays for its part)
 * with a compare-and-swap. Full duplex: the two directions of a link do not compete. A
 * non-blocking socket never waits long (see {@link #beforeWrite}): one event loop thread serving
 * channels on several links would otherwise move only one link's worth.
 *
 * <p><b>Latency.</b> A write that follows a pause of the socket's sends longer than the latency
 * is held back by the latency before it is sent; back-to-back writes are not held again, so a
 * stream pays it once and a request/response exchange pays it once each way. The sender's thread
 * waits: delivery is not delayed independently of the sender (that would need a copy of the data
 * and a thread to send it later).
 *
 * <p>Off (no {@code SWRAP_LINKS}): no instance; the write path reads one volatile field. Not
 * shaped: datagrams, and C programs under libsocket_wrapper.
 */
public final class LinkShaper {
    /** The buckets' file in the socket directory. */
    public static final String FILE = "swrap.links";
    /** How far ahead a bucket may be booked before a writer waits: the burst a link lets through. */
    static final long BURST_NANOS = 5_000_000;
    /** The longest one write waits for a bucket (a backlog left by a crashed process cannot hang a new one). */
    static final long MAX_WAIT_NANOS = 60_000_000_000L;
    /** The longest a non-blocking write pauses before it reports nothing written (it is retried). */
    static final long NONBLOCKING_PAUSE_NANOS = 500_000;
    private static final int IFACES = 65; // index 1..64
    private static final long TX = 0;
    private static final long RX = 8;
    /** Two buckets per interface, and 8 spare bytes that a process growing the file may write zero. */
    private static final long SIZE = IFACES * 16L + 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private static volatile LinkShaper current;

    private final MemorySegment buckets;
    private final double[] nanosPerByte = new double[IFACES];
    private final long[] latency = new long[IFACES];

    private LinkShaper(MemorySegment buckets, Map<Integer, LinkSpec> links) {
        this.buckets = buckets;
        for (LinkSpec l : links.values()) {
            nanosPerByte[l.iface()] = l.bytesPerSecond() == 0 ? 0 : 1e9 / l.bytesPerSecond();
            latency[l.iface()] = l.latencyNanos();
        }
    }

    /** The shaper of this process, or null when no link is emulated. */
    public static LinkShaper current() {
        return current;
    }

    /** Maps the network's buckets and turns shaping on for {@code links}. */
    public static void start(Path dir, Map<Integer, LinkSpec> links) throws IOException {
        Path file = dir.resolve(FILE);
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (fc.size() < SIZE) {
                // grows the file; the byte written is in the spare tail, which nobody uses
                fc.write(ByteBuffer.allocate(1), SIZE - 1);
            }
            MemorySegment m = fc.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, Arena.global());
            current = new LinkShaper(m, links);
        } catch (IOException e) {
            throw new IOException("cannot map the link buckets " + file + " (SWRAP_LINKS): " + e.getMessage(), e);
        }
        SwrapLog.debug("swrap_links", "link emulation on: " + links.values() + " (buckets in " + file + ")");
    }

    /**
     * Before a write of {@code h} on descriptor {@code fd}: the latency after a pause, then the wait for
     * its interfaces' buckets. A blocking socket waits until they have room; a non-blocking one pauses
     * at most {@link #NONBLOCKING_PAUSE_NANOS} and, if they are still busy, true: the write must report
     * nothing written, so that an event loop serving other links (Netty's) goes on to them and retries
     * this one when its selector reports it writable again.
     */
    public boolean beforeWrite(int fd, SocketTable table, Handle h) throws IOException {
        int local = table.localIface(h);
        int peer = table.peerIface(h);
        long delay = Math.max(latency[local], latency[peer]);
        if (delay > 0) {
            long now = System.nanoTime();
            long last = h.lastSend();
            if (last == 0 || now - last > delay) {
                sleep(delay);
                h.lastSend(System.nanoTime()); // paid: a retry of this write (link busy) does not pay it again
            }
        }
        long ahead = Math.max(nanosPerByte[local] > 0 ? ahead(local * 16L + TX) : 0,
                nanosPerByte[peer] > 0 ? ahead(peer * 16L + RX) : 0);
        if (ahead <= 0) {
            return false;
        }
        if (Faults.nonBlocking(fd)) {
            sleep(Math.min(ahead, NONBLOCKING_PAUSE_NANOS));
            return ahead > NONBLOCKING_PAUSE_NANOS;
        }
        sleep(Math.min(ahead, MAX_WAIT_NANOS));
        return false;
    }

    /** After {@code h} wrote {@code n > 0} bytes: charges its interfaces' buckets. */
    public void wrote(SocketTable table, Handle h, long n) {
        int local = table.localIface(h);
        int peer = table.peerIface(h);
        if (nanosPerByte[local] > 0) {
            charge(local * 16L + TX, (long) (n * nanosPerByte[local]));
        }
        if (nanosPerByte[peer] > 0) {
            charge(peer * 16L + RX, (long) (n * nanosPerByte[peer]));
        }
        if (latency[local] > 0 || latency[peer] > 0) {
            h.lastSend(System.nanoTime());
        }
    }

    /** How far the bucket is booked beyond the burst, in nanoseconds (positive: a writer must wait). */
    private long ahead(long bucket) {
        return (long) LONG.getVolatile(buckets, bucket) - System.nanoTime() - BURST_NANOS;
    }

    private void charge(long bucket, long cost) {
        long old;
        long next;
        do {
            old = (long) LONG.getVolatile(buckets, bucket);
            next = Math.max(old, System.nanoTime()) + cost;
        } while (!LONG.compareAndSet(buckets, bucket, old, next));
    }

    private static void sleep(long nanos) throws IOException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for an emulated link (SWRAP_LINKS)");
        }
    }
}
