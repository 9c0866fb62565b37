package io.swrap.selftest.peers;

import io.swrap.selftest.smbclient.ClientConfig;
import io.swrap.selftest.smbclient.Open;
import io.swrap.selftest.smbclient.OpenMode;
import io.swrap.selftest.smbclient.Session;
import io.swrap.selftest.smbclient.SmbClient;
import io.swrap.selftest.smbclient.SmbStatusException;
import io.swrap.selftest.smbclient.Tree;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
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
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: SmbClientPeer HOST:PORT SHARE USER PASSWORD SCENARIO...");
        }
        InetSocketAddress server = Addr.parse(args[0]);
        for (int i = 4; i < args.length; i++) {
            String scenario = args[i];
            try {
                System.out.println("OK " + scenario + " " + run(server, args[1], args[2], args[3], scenario));
            } catch (SmbStatusException e) {
                System.out.println("FAILED " + scenario + " " + e.statusName() + " (" + e.getMessage() + ")");
            } catch (IOException e) {
                System.out.println("ERROR " + scenario + " " + e);
                e.printStackTrace();
            }
        }
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException, NoSuchAlgorithmException {
        String[] f = scenario.split(":");
        if (f.length < 4) {
            throw new IllegalArgumentException("scenario " + scenario + " (expected: DIALECT:PROTECTION:FILE:MIB[:PASSWORD])");
        }
        ClientConfig cfg = ClientConfig.of(user, f.length > 4 ? f[4] : password).withDialect(dialect(f[0]));
        cfg = switch (f[1]) {
            case "off" -> cfg;
            case "sign" -> cfg.withSign(true);
            case "encrypt" -> cfg.withEncrypt(true);
            default -> throw new IllegalArgumentException("protection " + f[1] + " (expected: off, sign or encrypt)");
        };
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
            String written = sha256(data, size);
            String read = sha256(back.array(), size);
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

    private static int dialect(String name) {
        for (int d : Smb2Dialect.SUPPORTED) {
            if (Smb2Dialect.name(d).equals(name.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("dialect " + name + " (expected: SMB2_02, SMB2_10, SMB3_00, SMB3_02 or SMB3_11)");
    }

    private static String sha256(byte[] data, int len) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }
}
