package io.swrap.agent.inspect;

import io.swrap.agent.api.SwrapNetwork;
import io.swrap.agent.table.SocketView;
import io.swrap.agent.table.TableSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code swrap ls DIR}: every wrapped socket of the network in DIR, across processes, like
 * {@code ss}; {@code swrap audit DIR}: the table's consistency. Runs outside the network (no
 * agent): it maps the table, copies it under the lock and prints. {@code swrap link|kill|blackhole|unblackhole}
 * inject faults ({@link SwrapNetwork}).
 */
public final class SwrapCli {
    private static final String ROW = "%-6s %-18s %-4s %-6s %-28s %-28s %-8s %10s %10s %7s %7s%n";

    private SwrapCli() {
    }

    public static void main(String[] args) {
        if (args.length >= 1 && List.of("link", "kill", "blackhole", "unblackhole").contains(args[0])) {
            System.exit(fault(args));
        }
        if (args.length != 2 || !(args[0].equals("ls") || args[0].equals("audit"))) {
            System.err.println("usage: swrap ls|audit DIR");
            System.exit(2);
        }
        try {
            TableSnapshot t = TableSnapshot.read(Path.of(args[1]).toRealPath());
            if (args[0].equals("ls")) {
                ls(t, System.out);
            } else {
                System.exit(audit(t, System.out) ? 0 : 1);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("swrap " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code link DIR IFACE down|up}, {@code kill DIR IDX}, {@code blackhole DIR IDX}, {@code unblackhole DIR IDX}. */
    private static int fault(String[] args) {
        boolean link = args[0].equals("link");
        if (args.length != (link ? 4 : 3) || link && !(args[3].equals("down") || args[3].equals("up"))) {
            System.err.println("usage: swrap link DIR IFACE down|up | kill DIR IDX | blackhole DIR IDX | unblackhole DIR IDX");
            return 2;
        }
        try (SwrapNetwork net = SwrapNetwork.open(Path.of(args[1]))) {
            int n = Integer.parseInt(args[2]);
            List<Integer> flagged = switch (args[0]) {
                case "link" -> args[3].equals("down") ? net.link(n).down() : net.link(n).up();
                case "kill" -> net.socket(n).reset();
                case "blackhole" -> net.socket(n).blackhole();
                default -> net.socket(n).unblackhole();
            };
            System.out.println(String.join(" ", args) + ": sockets " + flagged);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("swrap " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    static void ls(TableSnapshot t, PrintStream out) {
        out.printf(Locale.ROOT, ROW, "IDX", "PID(REFS)", "TYPE", "STATE", "LOCAL", "PEER", "FILE",
                "TX_BYTES", "RX_BYTES", "TX_OPS", "RX_OPS");
        for (SocketView s : t.sockets()) {
            String owners = s.owners().stream()
                    .map(o -> o.pid() + "(" + o.refs() + ")" + (o.alive() ? "" : "dead"))
                    .collect(Collectors.joining(","));
            if (s.inflight() > 0) {
                owners += (owners.isEmpty() ? "" : ",") + "inflight(" + s.inflight() + ")";
            }
            out.printf(Locale.ROOT, ROW, s.index(), owners, s.type(), s.state(),
                    text(s.local()), text(s.peer()), s.name() == null ? "-" : s.name().fileName(),
                    s.txBytes(), s.rxBytes(), s.txCalls(), s.rxCalls());
        }
    }

    /** Prints the audit; true when the table is consistent. */
    static boolean audit(TableSnapshot t, PrintStream out) {
        var a = t.audit();
        out.printf(Locale.ROOT, "AUDIT capacity=%d in_use=%d free_list=%d live=%d dead_owned=%d repairs=%d clean=%s%n",
                a.capacity(), a.inUse(), a.freeListLength(), t.sockets().size(), t.deadOwned().size(), a.repairs(),
                a.clean() && a.inUse() == t.sockets().size());
        a.problems().forEach(p -> out.println("PROBLEM " + p));
        if (a.inUse() != t.sockets().size()) {
            out.println("PROBLEM in use " + a.inUse() + " but " + t.sockets().size() + " records hold a socket");
        }
        return a.clean() && a.inUse() == t.sockets().size();
    }

    private static String text(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
