package io.swrap.smb.interop;

import io.swrap.smb.SmbServer;
import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.state.ServerState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server in this JVM on 127.0.0.1 and a free port, with user {@code user}/{@code pass} and shares
 * {@code [share]} (writable), {@code [ro]} (read only) and {@code [secret]} (smb encrypt = required).
 */
final class SmbTestServer implements AutoCloseable {
    static final String USER = "user";
    static final String PASSWORD = "pass";

    final Path dir;
    final int port;
    private final SmbServer server;

    private SmbTestServer(Path dir, int port, SmbServer server) {
        this.dir = dir;
        this.port = port;
        this.server = server;
    }

    /** @param globals extra [global] lines, e.g. "server signing = mandatory" */
    static SmbTestServer start(Path dir, String globals) throws Exception {
        for (String s : new String[] {"share", "ro", "secret"}) {
            Files.createDirectories(dir.resolve(s));
        }
        new SmbPasswdFile(dir.resolve("smbpasswd")).addUser(USER, 1000, PASSWORD, 0);
        int port = freePort();
        String conf = "[global]\n"
                + "interfaces = 127.0.0.1\n"
                + "smb ports = " + port + "\n"
                + "smb passwd file = smbpasswd\n"
                + globals + "\n"
                + "[share]\npath = share\nread only = no\n"
                + "[ro]\npath = ro\n"
                + "[secret]\npath = secret\nread only = no\nsmb encrypt = required\n";
        SmbServer server = SmbServer.start(new ServerState(SmbConfParser.parse("test.conf", conf, dir)));
        return new SmbTestServer(dir, port, server);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }

    Path share(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        server.close();
    }
}
