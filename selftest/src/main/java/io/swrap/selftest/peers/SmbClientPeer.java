package io.swrap.selftest.peers;

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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scripted sessions of the Java SMB client for the process tests:
 * {@code SmbClientPeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario
 * {@code DIALECT:PROTECTION:FILE:MIB[:PASSWORD]} with DIALECT one of SMB2_02, SMB2_10, SMB3_00, SMB3_02,
 * SMB3_11 and PROTECTION off, sign or encrypt. Each connects, ECHOes, tree-connects, writes MIB MiB of
 * random data to FILE, reads it back, lists the share's root and prints
 * {@code OK <scenario> dialect=D signed=B encrypted=B sha256=HEX listed=B write_ms=N read_ms=N} (listed: FILE
 * is in the share's directory listing); a scenario with
 * MIB 0 only logs on and off. A refused request prints {@code FAILED <scenario> STATUS_...}, anything
 * else {@code ERROR <scenario> <exception>}; the exit code is 0 either way, the test judges the lines.
 */
public final class SmbClientPeer {
    private SmbClientPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "SmbClientPeer HOST:PORT SHARE USER PASSWORD SCENARIO...", SmbClientPeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException, NoSuchAlgorithmException {
        String[] f = scenario.split(":");
        if (f.length < 4) {
            throw new IllegalArgumentException("scenario " + scenario + " (expected: DIALECT:PROTECTION:FILE:MIB[:PASSWORD])");
        }
        ClientConfig cfg = ClientConfig.of(user, f.length > 4 ? f[4] : password).withDialect(SmbPeerArgs.dialect(f[0]));
        cfg = SmbPeerArgs.protect(cfg, f[1]);
        int size = Integer.parseInt(f[3]) << 20;
        try (Session s = SmbClient.connect(server, cfg)) {
            s.echo();
            String result = "dialect=" + Smb2Dialect.name(s.dialect()) + " signed=" + s.signed() + " encrypted="
                    + s.encrypted();
            if (size == 0) {
                return result;
            }
            Tree tree = s.treeConnect(share);
            byte[] data = new byte[size];
            ThreadLocalRandom.current().nextBytes(data);
            long t0 = System.nanoTime();
            try (Open out = tree.open(f[2], OpenMode.OVERWRITE)) {
                out.write(0, ByteBuffer.wrap(data));
            }
            long t1 = System.nanoTime();
            ByteBuffer back = ByteBuffer.allocate(size + 1);
            try (Open in = tree.open(f[2], OpenMode.READ)) {
                int n = in.read(0, back);
                if (n != size) {
                    throw new IOException("read back " + n + " bytes of " + f[2] + " (expected: " + size + ")");
                }
            }
            long t2 = System.nanoTime();
            String written = SmbPeerArgs.sha256(data, size);
            String read = SmbPeerArgs.sha256(back.array(), size);
            if (!written.equals(read)) {
                throw new IOException("read back other content than written: sha256 " + read + " (expected: "
                        + written + ")");
            }
            boolean listed = tree.list("").contains(f[2]);
            tree.disconnect();
            return result + " sha256=" + written + " listed=" + listed + " write_ms=" + (t1 - t0) / 1_000_000 + " read_ms="
                    + (t2 - t1) / 1_000_000;
        }
    }

}
