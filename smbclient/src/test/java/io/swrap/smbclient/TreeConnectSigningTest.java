package io.swrap.smbclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.state.ServerState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [MS-SMB2] 3.3.5.7: a 3.1.1 TREE_CONNECT that is neither signed nor encrypted makes the server drop the
 * connection (it is what keeps a man in the middle from downgrading 3.1.1 sessions). Client and server
 * in this JVM on 127.0.0.1.
 */
class TreeConnectSigningTest {
    @TempDir
    Path dir;

    @Test
    void unsigned311TreeConnectIsDisconnectedAndASignedOneWorks() throws Exception {
        Files.createDirectories(dir.resolve("share"));
        new SmbPasswdFile(dir.resolve("smbpasswd")).addUser("alice", 1000, "secret", 0);
        int port = freePort();
        String conf = "[global]\ninterfaces = 127.0.0.1\nsmb ports = " + port + "\nsmb passwd file = smbpasswd\n"
                + "[share]\npath = share\nread only = no\n";
        SmbServer server = SmbServer.start(new ServerState(SmbConfParser.parse("test.conf", conf, dir)));
        try {
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            ClientConfig cfg = ClientConfig.of("alice", "secret").withDialect(Smb2Dialect.SMB3_11);
            Session dropped = SmbClient.connect(addr, cfg);
            assertThrows(IOException.class, () -> dropped.treeConnect("share", false),
                    "the server must disconnect instead of answering");
            // the session lost its only channel with it: nothing is left to log off, close just releases it
            assertTrue(dropped.channels().isEmpty(), "channels after the drop: " + dropped.channels());
            dropped.close();
            try (Session s = SmbClient.connect(addr, cfg)) {
                Tree t = s.treeConnect("share");
                try (Open f = t.open("signed.txt", OpenMode.OVERWRITE)) {
                    f.write(0, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
                }
                t.disconnect();
            }
            assertEquals("ok", Files.readString(dir.resolve("share").resolve("signed.txt")));
            try (Session s = SmbClient.connect(addr, cfg.withEncrypt(true))) {
                // an encrypted TREE_CONNECT needs no signature
                assertEquals(Smb2Dialect.SMB3_11, s.dialect());
                s.treeConnect("share", false).disconnect();
            }
        } finally {
            server.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
