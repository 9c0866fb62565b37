package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.junit.SwrapEnv;
import io.swrap.junit.SwrapNet;
import io.swrap.junit.SwrapProcess;
import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.peers.BulkEcho;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Link emulation ({@code SWRAP_LINKS}): a BulkEcho server on 127.0.0.11 and clients on 127.0.0.21,
 * separate JVMs under the agent, each test in its own network (swrap-junit). Only lower bounds on time
 * are checked (a slow machine only makes transfers slower): each proves that the limit held, with a
 * wide margin.
 */
@SwrapNet(perTest = true, capture = false)
class LinkIT {
    private static final String SERVER = "127.0.0.11:7700";
    private static final int MIB = 1024 * 1024;
    private static final String SWRAP_RUN = Path.of("..", "scripts", "swrap-run").toAbsolutePath().normalize().toString();

    private static SwrapProcess server(SwrapEnv net, String links) throws Exception {
        SwrapProcess s = net.java("bulk-server", 11, List.of(), Map.of("SWRAP_LINKS", links), BulkEcho.class, "server",
                SERVER);
        net.awaitListener("127.0.0.11", 7700);
        return s;
    }

    private static SwrapProcess client(SwrapEnv net, String name, String links, int size, int rounds) throws Exception {
        return net.java(name, 21, List.of(), Map.of("SWRAP_LINKS", links), BulkEcho.class, "client", SERVER,
                Integer.toString(size), Integer.toString(rounds));
    }

    /** Start and end (wall clock, ms) of a client's transfer, once it is done and its echo was intact. */
    private static long[] timed(SwrapProcess client, long bytes) throws Exception {
        Matcher m = client.expect("TIMED start_ms=(\\d+) end_ms=(\\d+)");
        client.expect("DONE " + bytes);
        client.succeeds();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** 10 MiB/s each way: 5 MiB to the server and 5 MiB back cannot take less than 0.5 s. */
    @Test
    void bandwidthIsHonoured(SwrapEnv net) throws Exception {
        String links = "11:10mibps";
        SwrapProcess server = server(net, links);
        long[] t = timed(client(net, "client", links, 5 * MIB, 1), 5L * MIB);
        long ms = t[1] - t[0];
        assertTrue(ms >= 400, "5 MiB each way over a 10 MiB/s link took " + ms + " ms (expected >= 400 ms)");
        server.expect("CLOSED " + 5 * MIB);
    }

    /**
     * The link's buckets are shared by every process of the network: two client JVMs writing at once
     * through 127.0.0.11's 10 MiB/s together get 10 MiB/s, not 10 each.
     */
    @Test
    void bandwidthIsSharedByProcesses(SwrapEnv net) throws Exception {
        String links = "11:10mibps";
        server(net, links);
        SwrapProcess first = client(net, "client-0", links, 4 * MIB, 2);
        SwrapProcess second = client(net, "client-1", links, 4 * MIB, 2);
        long[] a = timed(first, 8L * MIB);
        long[] b = timed(second, 8L * MIB);
        long overlap = Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
        long both = Math.max(a[1], b[1]) - Math.min(a[0], b[0]);
        System.out.println("LinkIT: 2 x 8 MiB through a 10 MiB/s link: " + both + " ms, overlapping " + overlap + " ms");
        // each alone needs 0.8 s; together 1.6 s — with a bucket per process they would finish in 0.8 s
        assertTrue(a[1] - a[0] >= 700 && b[1] - b[0] >= 700, "each 8 MiB took >= 0.7 s: " + (a[1] - a[0]) + ", "
                + (b[1] - b[0]) + " ms");
        assertTrue(both >= 1400, "two processes sharing 10 MiB/s moved 16 MiB in " + both
                + " ms (expected >= 1400 ms: the link is shared)");
    }

    /** 150 ms of latency: every round of a request and its echo waits for it once each way. */
    @Test
    void latencyDelaysEachExchange(SwrapEnv net) throws Exception {
        String links = "11:150ms";
        server(net, links);
        long[] t = timed(client(net, "client", links, 100, 3), 300);
        long ms = t[1] - t[0];
        assertTrue(ms >= 3 * 2 * 150 - 50, "3 exchanges over a 150 ms link took " + ms + " ms (expected >= 850 ms)");
    }

    /** scripts/swrap-run --link hands the links to every JVM; a bad one stops the JVM naming the variable and item. */
    @Test
    void swrapRunPassesLinksAndBadOnesAreNamed(SwrapEnv net) throws Exception {
        Map<String, String> env = Map.of("SWRAP_NO_BUILD", "1");
        try (ChildProcess ok = ChildProcess.command("swrap-run --link", env, List.of(SWRAP_RUN, "--dir", net.dir().toString(),
                "--debug", "2", "--link", "11:1gbit,2ms", "--link", "12:5ms", "--", "java", "-version"))) {
            ok.succeeds();
            assertTrue(ok.stderr().contains("swrap_links: link emulation on: [11:125000000B/s,2000us, 12:0B/s,5000us]"),
                    ok.stderr());
        }
        try (ChildProcess bad = ChildProcess.command("swrap-run --link bad", env, List.of(SWRAP_RUN, "--dir",
                net.dir().toString(), "--link", "11:fast", "--", "java", "-version"))) {
            assertTrue(bad.waitFor() != 0, "a bad link must stop the JVM");
            assertTrue(bad.stderr().contains("SWRAP_LINKS: item '11:fast': 'fast' is neither a rate nor a latency"),
                    bad.stderr());
        }
    }
}
