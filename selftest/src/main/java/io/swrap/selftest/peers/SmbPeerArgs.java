package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** What the SMB client peers share: their command line, result lines, dialect names, hashes. */
final class SmbPeerArgs {
    /** One scenario against {@code server}; returns the rest of its OK line. */
    interface Scenario {
        String run(InetSocketAddress server, String share, String user, String password, String scenario)
                throws Exception;
    }

    private SmbPeerArgs() {
    }

    /**
     * {@code HOST:PORT SHARE USER PASSWORD SCENARIO...}: runs each scenario and prints {@code OK <scenario> ...},
     * {@code FAILED <scenario> STATUS_...} for a refused request, or {@code ERROR <scenario> <exception>} for
     * anything else (a client bug too), so that the caller judges every scenario at once.
     */
    static void runAll(String[] args, String usage, Scenario s) throws InterruptedException {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: " + usage);
        }
        InetSocketAddress server = Addr.parse(args[0]);
        for (int i = 4; i < args.length; i++) {
            String scenario = args[i];
            try {
                System.out.println("OK " + scenario + " " + s.run(server, args[1], args[2], args[3], scenario));
            } catch (SmbStatusException e) {
                System.out.println("FAILED " + scenario + " " + e.statusName() + " (" + e.getMessage() + ")");
                e.printStackTrace();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | Error e) {
                System.out.println("ERROR " + scenario + " " + e);
                e.printStackTrace();
            }
        }
    }

    /** The dialect named like {@code SMB3_11} (any case); the error lists the accepted names. */
    static int dialect(String name) {
        for (int d : Smb2Dialect.SUPPORTED) {
            if (Smb2Dialect.name(d).equals(name.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("dialect " + name + " (expected: SMB2_02, SMB2_10, SMB3_00, SMB3_02 or SMB3_11)");
    }

    static String sha256(byte[] data, int len) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code cfg} with the protection named {@code off}, {@code sign} or {@code encrypt}. */
    static ClientConfig protect(ClientConfig cfg, String protection) {
        return switch (protection) {
            case "off" -> cfg;
            case "sign" -> cfg.withSign(true);
            case "encrypt" -> cfg.withEncrypt(true);
            default -> throw new IllegalArgumentException("protection " + protection + " (expected: off, sign or encrypt)");
        };
    }
}
