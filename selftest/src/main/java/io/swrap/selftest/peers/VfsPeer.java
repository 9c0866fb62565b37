package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OpenMode;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smbclient.Tree;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * File-system scenarios of the Java SMB client for the VFS tests:
 * {@code VfsPeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario one of
 * <ul>
 * <li>{@code replace-open:TARGET:TEMP}: session A holds TARGET open; session B writes TEMP and renames it over
 *     TARGET; A closes; a third session opens TARGET. Prints {@code rename=STATUS reopen=STATUS}.</li>
 * <li>{@code root-delete-on-close}: opens the share's root ("") with FILE_DELETE_ON_CLOSE and closes it. Prints
 *     {@code create=STATUS}.</li>
 * <li>{@code roundtrip:NAME:TEXT}: creates NAME with TEXT, lists the share's root, reads NAME back. Prints
 *     {@code listed=B read=TEXT}.</li>
 * <li>{@code create-race:PREFIX:CLIENTS:ROUNDS}: in each round CLIENTS sessions at once open the same new
 *     directory PREFIX-round with FILE_OPEN_IF. Prints {@code opened=N refused=N first=STATUS} (every open
 *     should succeed: one creates, the others open).</li>
 * </ul>
 * (STATUS: OK or the NTSTATUS name.) Output lines as {@link SmbPeerArgs#runAll}.
 */
public final class VfsPeer {
    private static final int DELETE_ACCESS = 0x00110080; // DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE
    private static final int FILE_OPEN = 1;
    private static final int FILE_OPEN_IF = 3;
    /** FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE. */
    private static final int OPEN_DIRECTORY_ACCESS = 0x00100081;
    private static final int FILE_DIRECTORY_FILE = 0x1;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;
    private static final int FILE_DELETE_ON_CLOSE = 0x1000;

    private VfsPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "VfsPeer HOST:PORT SHARE USER PASSWORD SCENARIO...", VfsPeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException {
        String[] f = scenario.split(":");
        ClientConfig cfg = ClientConfig.of(user, password);
        switch (f[0]) {
            case "replace-open" -> {
                String rename;
                try (Session a = SmbClient.connect(server, cfg); Session b = SmbClient.connect(server, cfg)) {
                    Tree ta = a.treeConnect(share);
                    Tree tb = b.treeConnect(share);
                    try (Open _ = ta.open(f[1], OpenMode.READ)) { // held open while the name is replaced
                        try (Open tmp = tb.open(f[2], OpenMode.OVERWRITE)) {
                            tmp.write(0, ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
                        }
                        try (Open tmp = tb.create(f[2], DELETE_ACCESS, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                            rename = status(() -> tmp.rename(f[1], true));
                        }
                    }
                }
                String reopen;
                try (Session c = SmbClient.connect(server, cfg)) {
                    Tree tc = c.treeConnect(share);
                    reopen = status(() -> tc.open(f[1], OpenMode.READ).close());
                }
                return "rename=" + rename + " reopen=" + reopen;
            }
            case "root-delete-on-close" -> {
                try (Session s = SmbClient.connect(server, cfg)) {
                    Tree t = s.treeConnect(share);
                    return "create=" + status(() -> t.create("", DELETE_ACCESS, FILE_OPEN,
                            FILE_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE).close());
                }
            }
            case "roundtrip" -> {
                try (Session s = SmbClient.connect(server, cfg)) {
                    Tree t = s.treeConnect(share);
                    try (Open out = t.open(f[1], OpenMode.OVERWRITE)) {
                        out.write(0, ByteBuffer.wrap(f[2].getBytes(StandardCharsets.UTF_8)));
                    }
                    boolean listed = t.list("").contains(f[1]);
                    ByteBuffer back = ByteBuffer.allocate(4096);
                    int n;
                    try (Open in = t.open(f[1], OpenMode.READ)) {
                        n = in.read(0, back);
                    }
                    return "listed=" + listed + " read=" + new String(back.array(), 0, Math.max(n, 0),
                            StandardCharsets.UTF_8);
                }
            }
            case "create-race" -> {
                return createRace(server, share, cfg, f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            }
            default -> throw new IllegalArgumentException("scenario " + scenario
                    + " (expected: replace-open:TARGET:TEMP, root-delete-on-close, roundtrip:NAME:TEXT or"
                    + " create-race:PREFIX:CLIENTS:ROUNDS)");
        }
    }

    private static String createRace(InetSocketAddress server, String share, ClientConfig cfg, String prefix,
            int clients, int rounds) throws IOException {
        List<Tree> trees = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Session s = SmbClient.connect(server, cfg);
                sessions.add(s);
                trees.add(s.treeConnect(share));
            }
            AtomicInteger opened = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicReference<String> first = new AtomicReference<>("-");
            for (int r = 0; r < rounds; r++) {
                String name = prefix + "-" + r;
                CyclicBarrier start = new CyclicBarrier(clients);
                List<Thread> threads = new ArrayList<>();
                for (Tree t : trees) {
                    Thread th = new Thread(() -> {
                        try {
                            start.await(30, TimeUnit.SECONDS);
                            String st = status(() -> t.create(name, OPEN_DIRECTORY_ACCESS, FILE_OPEN_IF,
                                    FILE_DIRECTORY_FILE).close());
                            if (st.equals("OK")) {
                                opened.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                                first.compareAndSet("-", st);
                            }
                        } catch (Exception e) {
                            refused.incrementAndGet();
                            first.compareAndSet("-", e.toString().replace(' ', '_'));
                        }
                    }, "create-race");
                    th.start();
                    threads.add(th);
                }
                for (Thread th : threads) {
                    th.join(60_000);
                }
            }
            return "opened=" + opened.get() + " refused=" + refused.get() + " first=" + first.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            for (Session s : sessions) {
                s.close();
            }
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    /** OK, or the NTSTATUS name the server refused {@code c} with. */
    private static String status(Call c) throws IOException {
        try {
            c.run();
            return "OK";
        } catch (SmbStatusException e) {
            return e.statusName();
        }
    }
}
