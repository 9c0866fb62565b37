package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OpenMode;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Two clients of one server, one of them stuck in a file operation:
 * {@code SlowIoPeer HOST:PORT SHARE USER PASSWORD SLOW SMALL GO_FILE wait|abandon}. Client A opens SLOW (a file
 * whose read the test holds: the server's pread waits) and READs it, printing {@code READ_SENT}; once GO_FILE
 * exists, client B, on its own connection, ECHOes ({@code ECHO_OK}) and reads SMALL ({@code SMALL_READ_OK
 * <text>}); then A's READ returns ({@code SLOW_READ <text>}). With {@code abandon}, the process exits once
 * GO_FILE exists (A's connection goes away while its READ waits).
 * Any failure prints {@code ERROR <exception>} and exits 1.
 */
public final class SlowIoPeer {
    /** How long the peer waits for GO_FILE and for the slow read: the test's own waits are shorter. */
    private static final long WAIT_MS = 180_000;

    private SlowIoPeer() {
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        ClientConfig cfg = ClientConfig.of(args[2], args[3]);
        boolean abandon = args.length > 7 && args[7].equals("abandon");
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (Session a = SmbClient.connect(server, cfg); Session b = SmbClient.connect(server, cfg)) {
            Tree ta = a.treeConnect(args[1]);
            Tree tb = b.treeConnect(args[1]);
            Open slowFile = ta.open(args[4], OpenMode.READ);
            Future<String> slow = reader.submit(() -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                int n = slowFile.read(0, buf);
                return new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.UTF_8);
            });
            System.out.println("READ_SENT");
            // the READ goes out on the reader thread: GO_FILE appears once the test has seen the server's pread
            // waiting, so that it was sent (and an abandoned connection ends while its READ waits)
            Path go = Path.of(args[6]);
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!Files.exists(go)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(go + " did not appear within " + WAIT_MS + " ms");
                }
                Thread.sleep(50);
            }
            if (abandon) {
                System.out.flush();
                Runtime.getRuntime().halt(0); // no LOGOFF, no CLOSE: the connection just ends
            }
            b.echo();
            System.out.println("ECHO_OK");
            try (Open small = tb.open(args[5], OpenMode.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                int n = small.read(0, buf);
                System.out.println("SMALL_READ_OK " + new String(buf.array(), 0, n, StandardCharsets.UTF_8));
            }
            System.out.println("SLOW_READ " + slow.get(WAIT_MS, TimeUnit.MILLISECONDS));
            slowFile.close();
        } catch (Exception e) {
            System.out.println("ERROR " + e);
            System.exit(1);
        } finally {
            reader.shutdownNow();
        }
    }
}
