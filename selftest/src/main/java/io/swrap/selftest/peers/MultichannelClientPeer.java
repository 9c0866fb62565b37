package io.swrap.selftest.peers;

import io.swrap.smbclient.ChannelInfo;
import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OpenMode;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Multichannel sessions of the Java SMB client for the process tests and the channel benchmark:
 * {@code MultichannelClientPeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario
 * {@code FILE:DIALECT:PROTECTION:CHANNELS:MIB:KILL} — DIALECT SMB3_00, SMB3_02 or SMB3_11, PROTECTION off,
 * sign or encrypt, CHANNELS 1..32, KILL {@code -}, {@code write@N} or {@code read@N} (channel N's connection
 * is closed from this side while the write or read of the file is under way).
 *
 * <p>Each scenario connects with that many channels, writes MIB MiB of pseudo-random data to FILE across the
 * channels, reads it back, compares SHA-256, then proves the session still works (ECHO, a second read of the
 * first MiB, a directory listing) and prints
 * {@code OK <scenario> dialect=D signed=B encrypted=B channels=N servers=A,B,.. write_mibps=X read_mibps=Y
 * sha256=HEX replays=N lost=N after=ok} (servers: the server address of every channel bound at the start, in
 * binding order). A refused request prints {@code FAILED <scenario> STATUS_...}, anything else
 * {@code ERROR <scenario> <exception>}; the exit code is 0 either way, the caller judges the lines.
 */
public final class MultichannelClientPeer {
    /** The client's response timeout in ms (default: ClientConfig's): a stalled channel is lost after it. */
    public static final String TIMEOUT_PROPERTY = "mc.timeout.ms";

    private MultichannelClientPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "MultichannelClientPeer HOST:PORT SHARE USER PASSWORD"
                + " FILE:DIALECT:PROTECTION:CHANNELS:MIB:KILL...", MultichannelClientPeer::run);
        // A session whose close failed may leave connections with live (non-daemon) event loop threads behind;
        // the caller waits for this process to end.
        System.exit(0);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException, NoSuchAlgorithmException, InterruptedException {
        String[] f = scenario.split(":");
        if (f.length != 6) {
            throw new IllegalArgumentException("scenario " + scenario
                    + " (expected: FILE:DIALECT:PROTECTION:CHANNELS:MIB:KILL)");
        }
        String file = f[0];
        ClientConfig cfg = ClientConfig.of(user, password).withDialect(SmbPeerArgs.dialect(f[1]))
                .withChannels(Integer.parseInt(f[3]));
        cfg = SmbPeerArgs.protect(cfg, f[2]);
        String timeout = System.getProperty(TIMEOUT_PROPERTY);
        if (timeout != null) {
            cfg = cfg.withTimeout(java.time.Duration.ofMillis(Long.parseLong(timeout)));
        }
        int size = Integer.parseInt(f[4]) << 20;
        String kill = f[5];
        try (Session s = SmbClient.connect(server, cfg)) {
            String servers = s.channels().stream().map(c -> c.server().getAddress().getHostAddress())
                    .collect(Collectors.joining(","));
            StringBuilder result = new StringBuilder("dialect=" + Smb2Dialect.name(s.dialect()) + " signed="
                    + s.signed() + " encrypted=" + s.encrypted() + " channels=" + s.channels().size()
                    + " servers=" + servers);
            Tree tree = s.treeConnect(share);
            byte[] data = new byte[size];
            new Random(size ^ scenario.hashCode()).nextBytes(data);
            long t0 = System.nanoTime();
            try (Open out = tree.open(file, OpenMode.OVERWRITE)) {
                whileKilling(s, kill, "write", () -> out.write(0, ByteBuffer.wrap(data)));
            }
            long t1 = System.nanoTime();
            ByteBuffer back = ByteBuffer.allocate(size + 1);
            try (Open in = tree.open(file, OpenMode.READ)) {
                int[] n = new int[1];
                whileKilling(s, kill, "read", () -> n[0] = in.read(0, back));
                if (n[0] != size) {
                    throw new IOException("read back " + n[0] + " bytes of " + file + " (expected: " + size + ")");
                }
            }
            long t2 = System.nanoTime();
            String written = SmbPeerArgs.sha256(data, size);
            String read = SmbPeerArgs.sha256(back.array(), size);
            if (!written.equals(read)) {
                throw new IOException("read back other content than written: sha256 " + read + " (expected: "
                        + written + ")");
            }
            // The session goes on after a lost channel: a round trip, a fresh read, a listing.
            s.echo();
            ByteBuffer head = ByteBuffer.allocate(Math.min(size, 1 << 20));
            try (Open in = tree.open(file, OpenMode.READ)) {
                in.read(0, head);
            }
            if (!ByteBuffer.wrap(data, 0, head.capacity()).equals(head.flip())) {
                throw new IOException("the re-read first " + head.capacity() + " bytes of " + file + " differ");
            }
            if (!tree.list("").contains(file)) {
                throw new IOException(file + " is missing from the share's listing " + tree.list(""));
            }
            tree.disconnect();
            result.append(String.format(Locale.ROOT, " write_mibps=%.1f read_mibps=%.1f", mibps(size, t1 - t0),
                    mibps(size, t2 - t1)));
            result.append(" sha256=").append(written).append(" replays=").append(s.replays()).append(" lost=")
                    .append(s.lostChannels().size()).append(" live=").append(s.channels().stream()
                            .map(ChannelInfo::index).map(String::valueOf).collect(Collectors.joining(",")))
                    .append(" after=ok");
            s.lostChannels().forEach(l -> System.err.println(scenario + ": lost " + l));
            return result.toString();
        }
    }

    private interface Transfer {
        void run() throws IOException;
    }

    /**
     * Runs {@code transfer}; when {@code kill} is {@code phase@N}, a second thread closes channel N's
     * connection while it runs (once a request is in flight on that channel).
     */
    private static void whileKilling(Session s, String kill, String phase, Transfer transfer)
            throws IOException, InterruptedException {
        if (!kill.startsWith(phase + "@")) {
            transfer.run();
            return;
        }
        int index = Integer.parseInt(kill.substring(phase.length() + 1));
        AtomicReference<Exception> killFailure = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                s.killChannel(index);
            } catch (Exception e) {
                killFailure.set(e);
            }
        }, "channel-killer");
        killer.start();
        try {
            transfer.run();
        } finally {
            killer.join();
        }
        if (killFailure.get() != null) {
            throw new IOException("killing channel " + index + " during the " + phase + " failed: "
                    + killFailure.get(), killFailure.get());
        }
    }

    private static double mibps(int size, long nanos) {
        return size / 1048576.0 / (nanos / 1e9);
    }

}
