package io.swrap.agent.api;

import io.swrap.agent.faults.Faults;
import io.swrap.agent.table.SocketTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fault injection into a fake network from outside its processes, without root: for tests (and
 * {@code scripts/swrap link|kill|blackhole}). Needs only read and write access to the socket
 * directory; the processes under the agent honour the flags at their next read or write.
 *
 * <pre>
 * try (SwrapNetwork net = SwrapNetwork.open(dir)) {
 *     net.link(12).down();         // connects to/from 127.0.0.12 fail, its connections stall
 *     net.link(12).up();
 *     net.socket(7).blackhole();   // IDX as swrap ls shows it: no data either way, nothing closed
 *     net.socket(7).unblackhole();
 *     net.socket(7).reset();       // both wrapped ends: SocketException: Connection reset
 * }
 * </pre>
 *
 * What each side sees is described in {@link Faults} and the agent's README ("Capture and faults").
 */
public final class SwrapNetwork implements AutoCloseable {
    private final Path dir;
    private final SocketTable table;

    private SwrapNetwork(Path dir, SocketTable table) {
        this.dir = dir;
        this.table = table;
    }

    /** The network in socket directory {@code dir}; its table must exist (a process has used it). */
    public static SwrapNetwork open(Path dir) throws IOException {
        Path real = dir.toRealPath();
        return new SwrapNetwork(real, SocketTable.openExisting(real));
    }

    /** Fake interface {@code iface} (1..64). */
    public Link link(int iface) {
        if (iface < 1 || iface > 64) {
            throw new IllegalArgumentException("interface " + iface + ": fake interfaces are 1..64");
        }
        return new Link(iface);
    }

    /** The wrapped socket of record {@code index} (the IDX column of {@code swrap ls}). */
    public Socket socket(int index) {
        return new Socket(index);
    }

    @Override
    public void close() {
        table.close();
    }

    /** An interface of the network. */
    public final class Link {
        private final int iface;

        private Link(int iface) {
            this.iface = iface;
        }

        /**
         * Takes the interface down: new connects from or to it fail (NoRouteToHostException), and
         * its established connections between wrapped sockets stop delivering. Returns the records flagged.
         */
        public List<Integer> down() throws IOException {
            synchronized (SwrapNetwork.class) {
                Set<Integer> downs = Faults.linksDown(dir);
                downs.add(iface);
                writeLinks(downs);
                table.linksChanged(); // after the file: a connect that sees the new generation reads it
            }
            return flag(table.connectionsOn(iface), Faults.LINK_DOWN, true);
        }

        /** Brings the interface back: connects work again and its connections resume. */
        public List<Integer> up() throws IOException {
            synchronized (SwrapNetwork.class) {
                Set<Integer> downs = Faults.linksDown(dir);
                downs.remove(iface);
                writeLinks(downs);
                table.linksChanged(); // after the file: a connect that sees the new generation reads it
            }
            return flag(table.connectionsOn(iface), Faults.LINK_DOWN, false);
        }

        private void writeLinks(Set<Integer> downs) throws IOException {
            Path file = Faults.linksFile(dir);
            if (downs.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            // replaced in one rename: a connect never reads half a list
            Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid());
            Files.writeString(tmp, downs.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n")));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One wrapped socket and, when it is connected to a wrapped socket, its other end. */
    public final class Socket {
        private final int index;

        private Socket(int index) {
            this.index = index;
        }

        /** The records this acts on: the socket and its other end if that is wrapped too. */
        public List<Integer> ends() {
            List<Integer> ends = new ArrayList<>(List.of(index));
            int other = table.otherEnd(index);
            if (other >= 0) {
                ends.add(other);
            }
            return ends;
        }

        /** Resets the connection: each wrapped end's next read or write throws "Connection reset". */
        public List<Integer> reset() {
            return flag(ends(), Faults.RESET, true);
        }

        /** No data either way until {@link #unblackhole()}; nothing is closed. */
        public List<Integer> blackhole() {
            return flag(ends(), Faults.BLACKHOLE, true);
        }

        public List<Integer> unblackhole() {
            return flag(ends(), Faults.BLACKHOLE, false);
        }
    }

    private List<Integer> flag(List<Integer> records, int bits, boolean on) {
        List<Integer> done = new ArrayList<>();
        for (int i : records) {
            if (table.setFaults(i, bits, on)) {
                done.add(i);
            }
        }
        if (done.isEmpty() && on && records.size() == 1) {
            throw new IllegalArgumentException("socket #" + records.get(0) + " is not in use in " + dir
                    + " (swrap ls " + dir + " lists the sockets)");
        }
        return done;
    }
}
