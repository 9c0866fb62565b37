package io.swrap.smbclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.smb2.codec.NtStatus;
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
 * The example of smbclient/README.md, line for line in {@link #example}, against the project's server in this
 * JVM on 127.0.0.1: it writes, lists and reads back a file; a wrong password is STATUS_LOGON_FAILURE.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    /** The README's example: returns what it read back. */
    static String example(InetSocketAddress server) throws IOException {
        ClientConfig config = ClientConfig.of("alice", "secret"); // NTLMv2; offers SMB 2.0.2 to 3.1.1
        try (Session session = SmbClient.connect(server, config)) {
            Tree share = session.treeConnect("share");
            try (Open f = share.open("hello.txt", OpenMode.OVERWRITE)) { // created or truncated
                f.write(0, ByteBuffer.wrap("hello, SMB\n".getBytes(StandardCharsets.UTF_8)));
            }
            System.out.println(share.list("")); // [., .., hello.txt]
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int n;
            try (Open f = share.open("hello.txt", OpenMode.READ)) {
                n = f.read(0, buf); // bytes read, -1 at the end of the file
            }
            share.disconnect();
            return new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readmeExampleWritesListsAndReads() throws Exception {
        Files.createDirectories(dir.resolve("share"));
        new SmbPasswdFile(dir.resolve("smbpasswd")).addUser("alice", 1000, "secret", 0);
        int port = freePort();
        String conf = "[global]\ninterfaces = 127.0.0.1\nsmb ports = " + port + "\nsmb passwd file = smbpasswd\n"
                + "[share]\npath = share\nread only = no\n";
        SmbServer server = SmbServer.start(new ServerState(SmbConfParser.parse("test.conf", conf, dir)));
        try {
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            assertEquals("hello, SMB\n", example(addr));
            assertEquals("hello, SMB\n", Files.readString(dir.resolve("share").resolve("hello.txt")));
            SmbStatusException e = assertThrows(SmbStatusException.class,
                    () -> SmbClient.connect(addr, ClientConfig.of("alice", "wrong")));
            assertEquals(NtStatus.LOGON_FAILURE, e.status());
            assertTrue(e.getMessage().contains("LOGON_FAILURE"), e.getMessage());
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
