package io.swrap.selftest;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smbclient.Tree;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The selftest's Java SMB client on IPC$ named pipes, with WRITE and READ (not FSCTL_PIPE_TRANSCEIVE): opens
 * {@code \PIPE\SRVSVC}, writes a BIND, reads the BIND_ACK, closes; then a pipe no service offers, and a READ
 * on the closed handle. Prints one line per step ({@code STEP name result}) and {@code OK}.
 * Arguments: HOST:PORT USER PASSWORD.
 */
public final class PipePeer {
    /** rpcclient's BIND of srvsvc v3.0 over NDR, max fragments 4280 (as captured against Samba). */
    private static final String BIND = "05000b03100000004800000001000000b810b810000000000100000000000100c84f324b7016d3011278"
            + "5a47bf6ee18803000000045d888aeb1cc9119fe808002b10486002000000";
    private static final int READ_DATA = 0x1;
    private static final int WRITE_DATA = 0x2;
    private static final int FILE_OPEN = 1;

    private PipePeer() {
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        try (Session s = SmbClient.connect(server, ClientConfig.of(args[1], args[2]))) {
            Tree ipc = s.treeConnect("IPC$");
            Open pipe = ipc.create("\\PIPE\\SRVSVC", READ_DATA | WRITE_DATA, FILE_OPEN, 0);
            pipe.write(0, ByteBuffer.wrap(HexFormat.of().parseHex(BIND)));
            ByteBuffer ack = ByteBuffer.allocate(0x44).order(ByteOrder.LITTLE_ENDIAN);
            int n = pipe.read(0, ack);
            System.out.println("STEP bind-ack type=" + ack.get(2) + " length=" + n + " frag=" + ack.getShort(8)
                    + " max_xmit=" + ack.getShort(16));
            pipe.close();
            try {
                ipc.create("nosuchpipe", READ_DATA | WRITE_DATA, FILE_OPEN, 0);
                System.out.println("STEP unknown-pipe opened");
            } catch (SmbStatusException e) {
                System.out.println("STEP unknown-pipe " + String.format("0x%08X", e.status()));
            }
            try {
                pipe.read(0, ByteBuffer.allocate(16));
                System.out.println("STEP read-after-close read");
            } catch (SmbStatusException e) {
                System.out.println("STEP read-after-close " + String.format("0x%08X", e.status()));
            }
            System.out.println("OK");
        }
    }
}
