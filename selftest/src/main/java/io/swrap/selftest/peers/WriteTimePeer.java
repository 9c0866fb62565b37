package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * How WRITEs through one handle move a file's write time, read from the file on disk by this process (another
 * process than the server): {@code WriteTimePeer HOST:PORT SHARE USER PASSWORD delayed-write:NAME:DISK-PATH}.
 * NAME in the share is DISK-PATH on disk. Opens it, writes, reads the disk mtime; waits 3 s, reads it; writes
 * again and waits 3 s, reads it; closes, reads it. Prints {@code first-write=T delayed=T second-write=T close=T},
 * each T {@code kept} (the mtime before the step), {@code now} (within the step) or the time itself.
 * Output lines as {@link SmbPeerArgs#runAll}.
 */
public final class WriteTimePeer {
    /** FILE_READ_DATA|FILE_WRITE_DATA|FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES|SYNCHRONIZE. */
    private static final int WRITE_ACCESS = 0x00100183;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OPEN = 1;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;
    private static final long WAIT_MS = 3000;

    private WriteTimePeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "WriteTimePeer HOST:PORT SHARE USER PASSWORD delayed-write:NAME:DISK-PATH",
                WriteTimePeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException {
        String[] f = scenario.split(":", 3);
        if (!f[0].equals("delayed-write") || f.length != 3) {
            throw new IllegalArgumentException("unknown scenario '" + scenario
                    + "' (expected: delayed-write:NAME:DISK-PATH)");
        }
        Path disk = Path.of(f[2]);
        try (Session s = SmbClient.connect(server, ClientConfig.of(user, password))) {
            Tree t = s.treeConnect(share);
            Open o = t.create(f[1], WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE);
            try {
                Instant before = mtime(disk);
                Instant start = Instant.now();
                o.write(0, ByteBuffer.wrap(new byte[] {1}));
                String first = describe(mtime(disk), before, start);
                before = mtime(disk);
                start = Instant.now();
                pause();
                String delayed = describe(mtime(disk), before, start);
                before = mtime(disk);
                start = Instant.now();
                o.write(1, ByteBuffer.wrap(new byte[] {2}));
                pause();
                String second = describe(mtime(disk), before, start);
                before = mtime(disk);
                start = Instant.now();
                o.close();
                o = null;
                String close = describe(mtime(disk), before, start);
                return "first-write=" + first + " delayed=" + delayed + " second-write=" + second + " close=" + close;
            } finally {
                if (o != null) {
                    o.close();
                }
            }
        }
    }

    private static Instant mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p).toInstant();
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the delayed write time", e);
        }
    }

    /** kept, now (set after {@code start}, by this machine's clock, within a second's tolerance), or the time. */
    private static String describe(Instant t, Instant before, Instant start) {
        if (t.equals(before)) {
            return "kept";
        }
        return t.isAfter(start.minusSeconds(1)) && !t.isAfter(Instant.now()) ? "now" : t.toString();
    }
}
