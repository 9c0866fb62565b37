package io.swrap.smb.ipc;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.swrap.smb.config.MessagingLimits;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.filestate.Waiter;
import io.swrap.smb.oplock.BreakMessages;
import io.swrap.smb.oplock.BreakNotice;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A worker process as far as messaging goes, driven line by line on stdin by {@link MessagingProcessTest}: a
 * {@link Messenger} attached to the test's directory with two event loops; it parks requests, wakes waiters of
 * other processes, sends breaks, and prints what it receives (on which thread) and what was reported
 * undeliverable. Its break handler prints the decoded notice on the loop the message was routed to.
 */
public final class MessagingPeer {
    /** Small limits so that the test can exceed them: 256-byte messages, 8 queued, 300 ms send timeout. */
    static final MessagingLimits LIMITS = new MessagingLimits(256, 8, Duration.ofMillis(300));

    private MessagingPeer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DefaultEventLoop[] loops = {new DefaultEventLoop(named("peer-loop-0")),
            new DefaultEventLoop(named("peer-loop-1"))};
        Messenger m = new Messenger();
        Map<String, Long> servedBy = new ConcurrentHashMap<>();
        for (EventExecutor l : loops) {
            m.worker(l); // numbered 0 and 1
        }
        m.attach(dir, LIMITS, new Messenger.Locator() {
            @Override
            public long workerOf(long hi, long lo) {
                return servedBy.getOrDefault(hi + "/" + lo, 0L);
            }

            @Override
            public long[] workers() {
                return new long[0];
            }
        });
        Endpoint.Router breaks = msg -> {
            BreakNotice n;
            try {
                n = BreakMessages.decode(msg);
            } catch (MalformedMessageException e) {
                say("refused-break " + e.getMessage());
                return null;
            }
            return new Endpoint.Delivery(loops[1], () -> say("break " + describe(n) + " from " + msg.senderPid()
                    + " on " + Thread.currentThread().getName()));
        };
        Endpoint.Undeliverable cleanup = (pid, msg, why) -> say("undelivered " + pid + " " + msg.type() + " " + why);
        for (MessageType t : MessageType.values()) {
            if (t != MessageType.WAKE) {
                m.handle(t, breaks); // WAKE keeps the messenger's own router
            }
            m.onUndelivered(t, cleanup);
        }
        say("ready " + m.pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "park" -> {
                    DefaultEventLoop l = loops[Integer.parseInt(w[1])];
                    Waiter[] waiter = new Waiter[1];
                    l.submit(() -> {
                        waiter[0] = m.park(l, () -> say("woken " + waiter[0].ticket() + " on "
                                + Thread.currentThread().getName()));
                        return null;
                    }).get(10, TimeUnit.SECONDS);
                    say("parked " + waiter[0].pid() + " " + waiter[0].worker() + " " + waiter[0].ticket());
                }
                case "wake" -> m.wake(new Waiter(Long.parseLong(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3])));
                case "serves" -> servedBy.put(Long.parseLong(w[1]) + "/" + Long.parseLong(w[2]), Long.parseLong(w[3]));
                case "oplock-break" -> m.send(Long.parseLong(w[1]), BreakMessages.encode(new BreakNotice.Oplock(
                        new OwnerId(1, 2, 3, 4), Integer.parseInt(w[2]), true), m.pid()));
                case "lease-break" -> m.send(Long.parseLong(w[1]), BreakMessages.encode(new BreakNotice.LeaseBreak(
                        "00000000000000010000000000000002", HexFormat.of().parseHex(w[2]), 2, 7, 1, 5, true), m.pid()));
                case "stats" -> {
                    Endpoint e = m.endpoint();
                    say("stats received=" + e.received() + " refused=" + e.refused() + " sent=" + e.sent()
                            + " dropped=" + e.dropped() + " parked=" + m.parkedCount());
                }
                default -> say("unknown command " + line);
            }
        }
        m.close();
        for (DefaultEventLoop l : loops) {
            l.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> new Thread(r, name);
    }

    private static String describe(BreakNotice n) {
        return switch (n) {
            case BreakNotice.Oplock o -> "oplock " + o.owner().clientGuidHi() + "/" + o.owner().clientGuidLo() + " "
                    + o.owner() + " level=" + o.level() + " ack=" + o.ackRequired();
            case BreakNotice.LeaseBreak l -> "lease " + l.clientGuid() + " key=" + HexFormat.of().formatHex(l.key())
                    + " v" + l.version() + " " + l.from() + "->" + l.to() + " epoch=" + l.epoch() + " ack="
                    + l.ackRequired();
        };
    }

    private static synchronized void say(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
