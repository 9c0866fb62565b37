package io.swrap.smbclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.auth.AuthException;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import io.swrap.smb.smb2.auth.SpnegoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's SPNEGO/NTLMSSP against the server's, in one JVM: both ends derive the same session key,
 * the server accepts the NTLMv2 response, the AUTHENTICATE MIC and the mechListMIC, and the client
 * accepts the server's mechListMIC; a wrong password is refused.
 */
class SpnegoClientTest {
    private static final long NOW = 133_000_000_000_000_000L;

    @TempDir
    Path dir;
    private SmbPasswdFile users;

    @BeforeEach
    void users() throws Exception {
        users = new SmbPasswdFile(dir.resolve("smbpasswd"));
        users.addUser("alice", 1000, "secret", NOW / 10_000_000L);
    }

    @Test
    void bothEndsDeriveTheSameSessionKey() throws Exception {
        SpnegoClient client = new SpnegoClient(new NtlmClient("alice", "secret", "WORKGROUP"));
        SpnegoServer server = new SpnegoServer(users, "SWRAP", "WORKGROUP");
        SpnegoServer.Step challenge = server.accept(client.initialToken(), NOW);
        assertFalse(challenge.complete());
        SpnegoServer.Step done = server.accept(client.responseToken(challenge.outputToken()), NOW);
        assertTrue(done.complete());
        assertEquals("alice", done.user());
        client.complete(done.outputToken()); // checks accept-completed and the server's mechListMIC
        assertArrayEquals(done.sessionKey(), client.sessionKey());
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        SpnegoClient client = new SpnegoClient(new NtlmClient("alice", "wrong", "WORKGROUP"));
        SpnegoServer server = new SpnegoServer(users, "SWRAP", "WORKGROUP");
        SpnegoServer.Step challenge = server.accept(client.initialToken(), NOW);
        byte[] auth = client.responseToken(challenge.outputToken());
        AuthException e = assertThrows(AuthException.class, () -> server.accept(auth, NOW));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    }
}
