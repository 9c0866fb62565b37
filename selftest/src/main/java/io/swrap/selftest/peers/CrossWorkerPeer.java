package io.swrap.selftest.peers;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.LeaseBreak;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smbclient.Tree;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One client (one ClientGuid) of a prefork server, holding or probing the state of two files, for checks that
 * span two workers: {@code CrossWorkerPeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario one of
 * <ul>
 * <li>{@code hold:FILE:DOC:TRIGGER}: creates FILE and opens it for reading and writing sharing read only
 *     (deny-write), locks bytes 0..9 exclusively; opens DOC twice and closes the first handle, opened with
 *     FILE_DELETE_ON_CLOSE, so that DOC is delete-pending while the second stays open. Prints {@code HELD}, waits
 *     until the file TRIGGER exists, closes everything.</li>
 * <li>{@code probe:FILE:DOC:TRIGGER}: opens FILE for writing, then for reading (sharing everything), locks byte 5,
 *     reads byte 5, opens DOC; prints {@code PROBED write-open=S read-open=S lock=S read=S doc=S} and, connected
 *     still (so that its connection can be found), waits until the file TRIGGER exists.</li>
 * <li>{@code open:FILE:TRIGGER}: opens FILE for reading (sharing everything, no oplock), prints
 *     {@code OPENED ms=M} (how long the CREATE took: it waits for breaks it causes) and, connected still, waits
 *     until the file TRIGGER exists.</li>
 * <li>{@code names:DIR:TRIGGER}: creates DIR, DIR/deny.bin and DIR/shared.bin, DIR/sub and DIR/sub/inner.bin;
 *     opens deny.bin sharing read and write (not delete), shared.bin sharing everything and inner.bin; prints
 *     {@code HELD}, waits until the file TRIGGER exists, closes everything.</li>
 * <li>{@code rename:DIR:TRIGGER}: against what {@code names} holds: a delete-on-close open of deny.bin, a DELETE
 *     open of deny.bin (to rename it), a rename of new.bin over deny.bin (ReplaceIfExists), a rename of DIR/sub
 *     (an open file below it), a delete-on-close open of shared.bin closed at once, then an open of shared.bin;
 *     prints {@code PROBED doc-deny=S rename-open=S rename-over=S rename-dir=S doc-shared=S shared-after=S} and
 *     waits until the file TRIGGER exists.</li>
 * <li>{@code gone:FILE}: opens FILE and prints {@code PROBED open=S} (whether a delete-pending file went).</li>
 * <li>{@code lease:FILE}: creates FILE under a lease asking for RWH, prints {@code HELD lease=N}, waits for the
 *     lease's break, acknowledges it with the state it is broken to, and returns
 *     {@code lease=N break=C->B ack=S} once the file is closed.</li>
 * </ul>
 * Every scenario holding an open first prints {@code FILEID <hex>}: the persistent FileId of its first open.
 * (S: OK or the NTSTATUS name.) Output lines as {@link SmbPeerArgs#runAll}.
 */
public final class CrossWorkerPeer {
    /** FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE. */
    private static final int READ_ACCESS = 0x00120089;
    /** READ_ACCESS with the write rights and DELETE. */
    private static final int WRITE_ACCESS = 0x0013019F;
    private static final int SHARE_READ = 0x1;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OPEN = 1;
    private static final int FILE_OVERWRITE_IF = 5;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;
    private static final int FILE_DELETE_ON_CLOSE = 0x1000;
    private static final int FILE_OPEN_IF = 3;
    private static final int FILE_DIRECTORY_FILE = 0x1;
    private static final int SHARE_WRITE = 0x2;
    /** DELETE|FILE_READ_ATTRIBUTES|SYNCHRONIZE: what a rename opens with. */
    private static final int DELETE_ACCESS = 0x00110080;
    /** READ | HANDLE | WRITE caching. */
    private static final int LEASE_RWH = 0x7;
    private static final int LEASE_WAIT_SECONDS = 120;

    private CrossWorkerPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "CrossWorkerPeer HOST:PORT SHARE USER PASSWORD SCENARIO...", CrossWorkerPeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws Exception {
        String[] f = scenario.split(":");
        ClientConfig cfg = ClientConfig.of(user, password);
        if (f[0].equals("hold") && f.length == 4) {
            return hold(server, share, cfg, f[1], f[2], Path.of(f[3]));
        }
        if (f[0].equals("probe") && f.length == 4) {
            return probe(server, share, cfg, f[1], f[2], Path.of(f[3]));
        }
        if (f[0].equals("open") && f.length == 3) {
            return open(server, share, cfg, f[1], Path.of(f[2]));
        }
        if (f[0].equals("names") && f.length == 3) {
            return names(server, share, cfg, f[1], Path.of(f[2]));
        }
        if (f[0].equals("rename") && f.length == 3) {
            return rename(server, share, cfg, f[1], Path.of(f[2]));
        }
        if (f[0].equals("gone") && f.length == 2) {
            try (Session s = SmbClient.connect(server, cfg)) {
                Tree t = s.treeConnect(share);
                String result = "open=" + status(() -> t.create(f[1], READ_ACCESS, SHARE_ALL, FILE_OPEN,
                        FILE_NON_DIRECTORY_FILE).close());
                System.out.println("PROBED " + result);
                return result;
            }
        }
        if (f[0].equals("lease") && f.length == 2) {
            return lease(server, share, cfg, f[1]);
        }
        throw new IllegalArgumentException("unknown scenario '" + scenario + "' (expected: hold:FILE:DOC:TRIGGER,"
                + " probe:FILE:DOC:TRIGGER, open:FILE:TRIGGER, names:DIR:TRIGGER, rename:DIR:TRIGGER, gone:FILE"
                + " or lease:FILE)");
    }

    private static String hold(InetSocketAddress server, String share, ClientConfig cfg, String file, String doc,
            Path trigger) throws Exception {
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            try (Open held = t.create(file, WRITE_ACCESS, SHARE_READ, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE);
                    Open _ = t.create(doc, WRITE_ACCESS, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE)) {
                fileId(held);
                held.write(0, ByteBuffer.wrap(new byte[64]));
                int lock = held.lock(0, 10, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY);
                if (lock != NtStatus.SUCCESS) {
                    return "lock=" + NtStatus.name(lock);
                }
                t.create(doc, WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE)
                        .close();
                System.out.println("HELD");
                System.out.flush();
                while (!Files.exists(trigger)) {
                    Thread.sleep(50);
                }
                return "released";
            }
        }
    }

    private static String probe(InetSocketAddress server, String share, ClientConfig cfg, String file, String doc,
            Path trigger) throws Exception {
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            String writeOpen = status(() -> t.create(file, WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)
                    .close());
            String lock;
            String read;
            String readOpen;
            try (Open o = t.create(file, READ_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                fileId(o);
                readOpen = "OK";
                lock = name(o.lock(5, 1, Open.SHARED_LOCK | Open.FAIL_IMMEDIATELY));
                if (lock.equals("OK")) {
                    o.lock(5, 1, Open.UNLOCK);
                }
                read = status(() -> o.read(5, ByteBuffer.allocate(1)));
            } catch (SmbStatusException e) {
                readOpen = e.statusName();
                lock = "-";
                read = "-";
            }
            String docOpen = status(() -> t.create(doc, READ_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)
                    .close());
            String result = "write-open=" + writeOpen + " read-open=" + readOpen + " lock=" + lock + " read=" + read
                    + " doc=" + docOpen;
            System.out.println("PROBED " + result);
            System.out.flush();
            while (!Files.exists(trigger)) {
                Thread.sleep(50);
            }
            return result;
        }
    }

    private static String open(InetSocketAddress server, String share, ClientConfig cfg, String file,
            Path trigger) throws Exception {
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            long start = System.nanoTime();
            try (Open _ = t.create(file, READ_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                String result = "ms=" + (System.nanoTime() - start) / 1_000_000;
                System.out.println("OPENED " + result);
                System.out.flush();
                while (!Files.exists(trigger)) {
                    Thread.sleep(50);
                }
                return result;
            }
        }
    }

    private static String names(InetSocketAddress server, String share, ClientConfig cfg, String dir, Path trigger)
            throws Exception {
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            t.create(dir, WRITE_ACCESS, SHARE_ALL, FILE_OPEN_IF, FILE_DIRECTORY_FILE).close();
            t.create(dir + "/sub", WRITE_ACCESS, SHARE_ALL, FILE_OPEN_IF, FILE_DIRECTORY_FILE).close();
            t.create(dir + "/new.bin", WRITE_ACCESS, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE).close();
            try (Open deny = t.create(dir + "/deny.bin", WRITE_ACCESS, SHARE_READ | SHARE_WRITE, FILE_OVERWRITE_IF,
                    FILE_NON_DIRECTORY_FILE);
                    Open _ = t.create(dir + "/shared.bin", WRITE_ACCESS, SHARE_ALL, FILE_OVERWRITE_IF,
                            FILE_NON_DIRECTORY_FILE);
                    Open _ = t.create(dir + "/sub/inner.bin", WRITE_ACCESS, SHARE_ALL, FILE_OVERWRITE_IF,
                            FILE_NON_DIRECTORY_FILE)) {
                fileId(deny);
                System.out.println("HELD");
                System.out.flush();
                while (!Files.exists(trigger)) {
                    Thread.sleep(50);
                }
                return "released";
            }
        }
    }

    private static String rename(InetSocketAddress server, String share, ClientConfig cfg, String dir, Path trigger)
            throws Exception {
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            String deny = dir + "/deny.bin";
            String docDeny = status(() -> t.create(deny, WRITE_ACCESS, SHARE_ALL, FILE_OPEN,
                    FILE_NON_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE).close());
            String renameOpen = status(() -> t.create(deny, DELETE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)
                    .close());
            String renameOver;
            try (Open n = t.create(dir + "/new.bin", WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                fileId(n);
                renameOver = status(() -> n.rename(deny, true));
            }
            String renameDir;
            try (Open d = t.openDirectoryForRename(dir + "/sub")) {
                renameDir = status(() -> d.rename(dir + "/sub2", false));
            }
            String shared = dir + "/shared.bin";
            String docShared = status(() -> t.create(shared, WRITE_ACCESS, SHARE_ALL, FILE_OPEN,
                    FILE_NON_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE).close());
            String sharedAfter = status(() -> t.create(shared, READ_ACCESS, SHARE_ALL, FILE_OPEN,
                    FILE_NON_DIRECTORY_FILE).close());
            String result = "doc-deny=" + docDeny + " rename-open=" + renameOpen + " rename-over=" + renameOver
                    + " rename-dir=" + renameDir + " doc-shared=" + docShared + " shared-after=" + sharedAfter;
            System.out.println("PROBED " + result);
            System.out.flush();
            while (!Files.exists(trigger)) {
                Thread.sleep(50);
            }
            return result;
        }
    }

    private static String lease(InetSocketAddress server, String share, ClientConfig cfg, String file)
            throws Exception {
        byte[] key = new byte[16];
        new java.security.SecureRandom().nextBytes(key);
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(share);
            Open held = t.createLeased(file, WRITE_ACCESS, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, key,
                    LEASE_RWH);
            fileId(held);
            held.write(0, ByteBuffer.wrap(new byte[64]));
            String result = "lease=" + held.leaseState();
            System.out.println("HELD " + result);
            System.out.flush();
            LeaseBreak b = s.awaitLeaseBreak(java.time.Duration.ofSeconds(LEASE_WAIT_SECONDS));
            if (b == null) {
                throw new IllegalStateException("no lease break for " + file + " within " + LEASE_WAIT_SECONDS
                        + " s (held: " + result + ")");
            }
            if (!java.util.Arrays.equals(b.leaseKey(), key)) {
                throw new IllegalStateException("lease break " + b + " names another lease than " + file + "'s");
            }
            String ack = b.ackRequired() ? name(t.acknowledgeLease(key, b.newState())) : "-";
            held.close();
            return result + " break=" + b.currentState() + "->" + b.newState() + " ack=" + ack;
        }
    }

    /** Prints the persistent FileId of {@code o}, for the checks that FileIds of two workers differ. */
    private static void fileId(Open o) {
        System.out.println("FILEID " + Long.toHexString(o.persistentFileId()));
        System.out.flush();
    }

    private static String name(int status) {
        return status == NtStatus.SUCCESS ? "OK" : NtStatus.name(status);
    }

    private interface Call {
        void run() throws IOException;
    }

    private static String status(Call c) throws IOException {
        try {
            c.run();
            return "OK";
        } catch (SmbStatusException e) {
            return e.statusName();
        }
    }
}
