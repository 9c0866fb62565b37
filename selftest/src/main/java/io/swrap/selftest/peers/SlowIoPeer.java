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
 * {@code SlowIoPeer HOST:PORT SHARE USER PASSWORD SLOW SMALL GO_FILE wait|abandon [read|pipeline|create|query
 * HOLD_FILE]}.
 * Client A sends the slow operation on SLOW, a file of a file system the test holds, and prints {@code SLOW_SENT}:
 * {@code read} (the default) opens SLOW and READs it (the server's pread waits); {@code pipeline} too, and then
 * reads SMALL (opened before) on A's own connection rather than B's; {@code create} CREATEs it (the
 * server's lookup and open wait); {@code query} opens it, creates HOLD_FILE (from then on the file system holds
 * stats of SLOW) and sends a QUERY_INFO (the server's fstat waits). Once GO_FILE exists, client B, on its own
 * connection, ECHOes ({@code ECHO_OK}) and reads SMALL ({@code SMALL_READ_OK <text>}); then A's operation returns
 * ({@code SLOW_DONE <text>}: the data read, {@code opened} or {@code eof <EndOfFile>}). With {@code abandon}, the
 * process exits once GO_FILE exists (A's connection goes away while its operation waits).
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
            String op = args.length > 8 ? args[8] : "read";
            // opened first: a CREATE would wait behind the held READ, a lone READ need not
            Open early = op.equals("pipeline") ? ta.open(args[5], OpenMode.READ) : null;
            Future<String> slow = switch (op) {
                case "read", "pipeline" -> {
                    Open slowFile = ta.open(args[4], OpenMode.READ);
                    yield reader.submit(() -> {
                        try (slowFile) {
                            ByteBuffer buf = ByteBuffer.allocate(64);
                            int n = slowFile.read(0, buf);
                            return new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.UTF_8);
                        }
                    });
                }
                case "create" -> reader.submit(() -> {
                    ta.open(args[4], OpenMode.READ).close();
                    return "opened";
                });
                case "query" -> {
                    Open slowFile = ta.open(args[4], OpenMode.READ);
                    Files.createFile(Path.of(args[9]));
                    yield reader.submit(() -> {
                        try (slowFile) {
                            return "eof " + slowFile.endOfFile();
                        }
                    });
                }
                default -> throw new IllegalArgumentException("operation " + op + " (expected: read, create, query)");
            };
            System.out.println("SLOW_SENT");
            // the request goes out on the reader thread: GO_FILE appears once the test has seen the server's call
            // waiting, so that it was sent (and an abandoned connection ends while it waits)
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
            try (Open small = early != null ? early : tb.open(args[5], OpenMode.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                int n = small.read(0, buf);
                System.out.println("SMALL_READ_OK " + new String(buf.array(), 0, n, StandardCharsets.UTF_8));
            }
            System.out.println("SLOW_DONE " + slow.get(WAIT_MS, TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            System.out.println("ERROR " + e);
            System.exit(1);
        } finally {
            reader.shutdownNow();
        }
    }
}
