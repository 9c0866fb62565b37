package io.swrap.selftest.peers;

import io.swrap.smbclient.ClientConfig;
import io.swrap.smbclient.Session;
import io.swrap.smbclient.SmbClient;
import io.swrap.smbclient.SmbStatusException;
import io.swrap.smbclient.Tree;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Raw CREATEs of the Java SMB client for the attribute and path-form tests:
 * {@code AttributesPeer HOST:PORT SHARE USER PASSWORD SCENARIO...}, each scenario
 * {@code create:NAME:ACCESS:DISPOSITION:OPTIONS} (ACCESS and OPTIONS in hex, DISPOSITION 0..5; NAME sent as
 * written, backslashes and all) on a session of its own, the open closed at once. Prints {@code create=STATUS}
 * (OK or the NTSTATUS name). Output lines as {@link SmbPeerArgs#runAll}.
 */
public final class AttributesPeer {
    private AttributesPeer() {
    }

    public static void main(String[] args) throws Exception {
        SmbPeerArgs.runAll(args, "AttributesPeer HOST:PORT SHARE USER PASSWORD create:NAME:ACCESS:DISP:OPTIONS...",
                AttributesPeer::run);
    }

    private static String run(InetSocketAddress server, String share, String user, String password, String scenario)
            throws IOException {
        String[] f = scenario.split(":", -1);
        if (f.length != 5 || !f[0].equals("create")) {
            throw new IllegalArgumentException("scenario " + scenario + " (expected: create:NAME:ACCESS:DISP:OPTIONS)");
        }
        try (Session s = SmbClient.connect(server, ClientConfig.of(user, password))) {
            Tree t = s.treeConnect(share);
            try {
                t.create(f[1], Integer.parseUnsignedInt(f[2], 16), Integer.parseInt(f[3]),
                        Integer.parseUnsignedInt(f[4], 16)).close();
                return "create=OK";
            } catch (SmbStatusException e) {
                return "create=" + e.statusName();
            }
        }
    }
}
