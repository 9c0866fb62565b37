package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.OplockBreak;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.Tree;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A multichannel session that holds a batch oplock until the server breaks it, for the break-delivery tests:
 * {@code OplockHolderPeer HOST:PORT SHARE USER PASSWORD FILE:CHANNELS}. It connects (SMB3_11, signed) with
 * CHANNELS channels, creates FILE with a batch oplock, writes a line to it and prints
 * {@code HELD <scenario> oplock=N servers=A,B,..} (servers: each channel's server address, in binding order).
 * Then it waits up to {@value #WAIT_SECONDS} s for the break, answers it by closing the file and prints
 * {@code OK <scenario> oplock=N servers=.. break=LEVEL via=ADDRESS} (via: the server address of the channel
 * the break came on). The client's response timeout is {@code -Dmc.timeout.ms} (default: ClientConfig's).
 */
public final class OplockHolderPeer {
    private static final int WAIT_SECONDS = 120;
    private static final int BATCH = 0x09;
    /** GENERIC_READ | GENERIC_WRITE. */
    private static final int READ_WRITE = 0xC0000000;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OVERWRITE_IF = 5;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;

    private OplockHolderPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "OplockHolderPeer HOST:PORT SHARE USER PASSWORD FILE:CHANNELS", OplockHolderPeer::run);
        // the session's close may wait on a blackholed channel; the caller waits for this process to end
        System.exit(0);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws Exception {
        String[] f = scenario.split(":");
        if (f.length != 2) {
            throw new IllegalArgumentException("scenario " + scenario + " (expected: FILE:CHANNELS)");
        }
        ClientConfig cfg = ClientConfig.of(user, password).withDialect(Smb2Dialect.SMB3_11)
                .withChannels(Integer.parseInt(f[1])).withSign(true);
        String timeout = System.getProperty(MultichannelClientPeer.TIMEOUT_PROPERTY);
        if (timeout != null) {
            cfg = cfg.withTimeout(Duration.ofMillis(Long.parseLong(timeout)));
        }
        try (Session s = SmbClient.connect(server, cfg)) {
            String servers = s.channels().stream().map(c -> c.server().getAddress().getHostAddress())
                    .collect(Collectors.joining(","));
            Tree tree = s.treeConnect(share);
            Open held = tree.create(f[0], READ_WRITE, SHARE_ALL, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, BATCH);
            held.write(0, ByteBuffer.wrap("held under a batch oplock\n".getBytes(StandardCharsets.US_ASCII)));
            String result = "oplock=" + held.oplockLevel() + " servers=" + servers;
            System.out.println("HELD " + scenario + " " + result);
            System.out.flush();
            OplockBreak b = s.awaitOplockBreak(Duration.ofSeconds(WAIT_SECONDS));
            if (b == null) {
                throw new IllegalStateException("no oplock break for " + f[0] + " within " + WAIT_SECONDS
                        + " s (held: " + result + ")");
            }
            if (b.persistentFileId() != held.persistentFileId()) {
                throw new IllegalStateException("oplock break " + b + " names another file than " + f[0]
                        + " (persistent FileId " + held.persistentFileId() + ")");
            }
            held.close();
            return result + " break=" + b.level() + " via=" + b.via().getAddress().getHostAddress();
        }
    }
}
