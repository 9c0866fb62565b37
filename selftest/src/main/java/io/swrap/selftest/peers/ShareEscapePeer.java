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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An authenticated client trying to leave its share through a name that changes under the server:
 * {@code ShareEscapePeer HOST:PORT SHARE USER PASSWORD MODE SECONDS MARKER}. For SECONDS it opens and reads
 * {@code DIR\sentinel} and creates and writes {@code DIR\pwned} over and over; a read whose content holds MARKER
 * came from outside the share. MODE {@code open:DIR} only opens (something else swaps DIR); MODE
 * {@code rename:DIR} also renames, on a second connection, the share's directories {@code A} and {@code B} to DIR's
 * first component and back in turn (B holds a symlink leading outside where A holds a real directory). Prints
 * {@code DONE reads=N escapes=N first_escape_ms=N creates=N refused=N errors=N renames=N rename_refused=STATUS}.
 */
public final class ShareEscapePeer {
    private ShareEscapePeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: ShareEscapePeer HOST:PORT SHARE USER PASSWORD open:DIR|rename:DIR"
                    + " SECONDS MARKER");
        }
        InetSocketAddress server = Addr.parse(args[0]);
        ClientConfig cfg = ClientConfig.of(args[2], args[3]);
        String[] mode = args[4].split(":", 2);
        String dir = mode[1];
        long end = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        String marker = args[6];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong renames = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> renameRefused = new java.util.concurrent.atomic.AtomicReference<>("-");
        Thread renamer = null;
        if (mode[0].equals("rename")) {
            Session rs = SmbClient.connect(server, cfg);
            Tree rt = rs.treeConnect(args[1]);
            // A and B take turns as DIR's first component
            String swapped = dir.contains("\\") ? dir.substring(0, dir.indexOf('\\')) : dir;
            renamer = new Thread(() -> renameLoop(rs, rt, swapped, stop, renames, renameRefused), "renamer");
            renamer.start();
        } else if (!mode[0].equals("open")) {
            throw new IllegalArgumentException("MODE " + args[4] + " (expected: open:DIR or rename:DIR)");
        }
        long start = System.nanoTime();
        long reads = 0;
        long escapes = 0;
        long firstEscapeMs = -1;
        long creates = 0;
        long refused = 0;
        long errors = 0;
        try (Session s = SmbClient.connect(server, cfg)) {
            Tree t = s.treeConnect(args[1]);
            byte[] pwned = "pwned by ShareEscapePeer".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; System.nanoTime() < end; i++) {
                try (Open in = t.open(dir + "\\sentinel", OpenMode.READ)) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    int n = in.read(0, b);
                    reads++;
                    if (n > 0 && new String(b.array(), 0, n, StandardCharsets.UTF_8).contains(marker)) {
                        escapes++;
                        if (firstEscapeMs < 0) {
                            firstEscapeMs = (System.nanoTime() - start) / 1_000_000;
                            System.out.println("ESCAPED read of " + dir + "\\sentinel after " + firstEscapeMs + " ms");
                        }
                    }
                } catch (SmbStatusException e) {
                    refused++;
                } catch (IOException e) {
                    errors++;
                    System.err.println("read of " + dir + "\\sentinel: " + e);
                }
                try (Open out = t.open(dir + "\\pwned-" + (i % 8), OpenMode.OVERWRITE)) {
                    out.write(0, ByteBuffer.wrap(pwned));
                    creates++;
                } catch (SmbStatusException e) {
                    refused++;
                } catch (IOException e) {
                    errors++;
                    System.err.println("create of " + dir + "\\pwned: " + e);
                }
            }
        } finally {
            stop.set(true);
            if (renamer != null) {
                renamer.join(60_000);
            }
        }
        System.out.println("DONE reads=" + reads + " escapes=" + escapes + " first_escape_ms=" + firstEscapeMs
                + " creates=" + creates + " refused=" + refused + " errors=" + errors + " renames=" + renames.get() + " rename_refused="
                + renameRefused.get());
    }

    /** A to DIR and back, B to DIR and back, through handles held on A and B, until stopped. */
    private static void renameLoop(Session s, Tree t, String dir, AtomicBoolean stop, AtomicLong renames,
            java.util.concurrent.atomic.AtomicReference<String> refused) {
        try (s; Open a = t.openDirectoryForRename("A"); Open b = t.openDirectoryForRename("B")) {
            while (!stop.get()) {
                for (Open h : new Open[] {a, b}) {
                    String home = h == a ? "A" : "B";
                    if (tryRename(h, dir, refused)) {
                        renames.incrementAndGet();
                        // back home; retried until it works, so that the next round starts from A and B again
                        while (!tryRename(h, home, refused) && !stop.get()) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("RENAMER ERROR " + e);
        }
    }

    private static boolean tryRename(Open h, String to, java.util.concurrent.atomic.AtomicReference<String> refused)
            throws IOException {
        try {
            h.rename(to, false);
            return true;
        } catch (SmbStatusException e) {
            refused.set(e.statusName()); // e.g. ACCESS_DENIED while a file below is open
            return false;
        }
    }
}
