package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Open;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smbclient.Tree;
import io.swrap.smb.smb2.codec.NtStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Scenarios of the server's per-file state for the Java SMB client:
 * {@code FileStatePeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario one of
 * <ul>
 * <li>{@code hard-links:LINK1:LINK2:LINK3}: LINK1 and LINK2 name one file. Session A opens LINK1 for reading,
 *     sharing read only; session B opens LINK2 for writing, then for reading. A reopens LINK1 for writing and locks
 *     bytes 0..9 exclusively; B, through LINK2, locks byte 5 and writes byte 0; A renames LINK1 to LINK3; B locks
 *     again; A unlocks; B locks again. Prints {@code deny-write=S read=S lock=S write=S after-rename=S after-unlock=S}.</li>
 * </ul>
 * (S: OK or the NTSTATUS name.) Output lines as {@link SmbPeerArgs#runAll}.
 */
public final class FileStatePeer {
    /** FILE_READ_DATA|FILE_READ_EA|FILE_READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE. */
    private static final int READ_ACCESS = 0x00120089;
    /** READ_ACCESS with the write rights and DELETE (to rename). */
    private static final int WRITE_ACCESS = 0x0013019F;
    private static final int SHARE_READ = 0x1;
    private static final int SHARE_ALL = 0x7;
    private static final int FILE_OPEN = 1;
    private static final int FILE_NON_DIRECTORY_FILE = 0x40;

    private FileStatePeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "FileStatePeer HOST:PORT SHARE USER PASSWORD SCENARIO...", FileStatePeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException {
        String[] f = scenario.split(":");
        ClientConfig cfg = ClientConfig.of(user, password);
        if (!f[0].equals("hard-links") || f.length != 4) {
            throw new IllegalArgumentException("unknown scenario '" + scenario + "' (expected: hard-links:L1:L2:L3)");
        }
        try (Session a = SmbClient.connect(server, cfg); Session b = SmbClient.connect(server, cfg)) {
            Tree ta = a.treeConnect(share);
            Tree tb = b.treeConnect(share);
            String denyWrite;
            String read;
            try (Open _ = ta.create(f[1], READ_ACCESS, SHARE_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                denyWrite = status(() -> tb.create(f[2], WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)
                        .close());
                read = status(() -> tb.create(f[2], READ_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE).close());
            }
            try (Open oa = ta.create(f[1], WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE);
                    Open ob = tb.create(f[2], WRITE_ACCESS, SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE)) {
                int own = oa.lock(0, 10, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY);
                if (own != NtStatus.SUCCESS) {
                    return "first lock=" + NtStatus.name(own);
                }
                String lock = name(ob.lock(5, 1, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY));
                String write = status(() -> ob.write(0, ByteBuffer.wrap(new byte[] {1})));
                oa.rename(f[3], false);
                String afterRename = name(ob.lock(5, 1, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY));
                int unlock = oa.lock(0, 10, Open.UNLOCK);
                if (unlock != NtStatus.SUCCESS) {
                    return "unlock=" + NtStatus.name(unlock);
                }
                String afterUnlock = name(ob.lock(5, 1, Open.EXCLUSIVE_LOCK | Open.FAIL_IMMEDIATELY));
                return "deny-write=" + denyWrite + " read=" + read + " lock=" + lock + " write=" + write
                        + " after-rename=" + afterRename + " after-unlock=" + afterUnlock;
            }
        }
    }

    private static String name(int status) {
        return status == NtStatus.SUCCESS ? "OK" : NtStatus.name(status);
    }

    private interface Call {
        void run() throws IOException;
    }

    /** OK, or the NTSTATUS name the server refused {@code c} with. */
    private static String status(Call c) throws IOException {
        try {
            c.run();
            return "OK";
        } catch (SmbStatusException e) {
            return e.statusName();
        }
    }
}
