package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swrap.selftest.env.ChildProcess;
import io.swrap.selftest.env.SmbEnv;
import io.swrap.smb.smb2.auth.SmbPasswdFile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SMB2_CREATE_APP_INSTANCE_ID ([MS-SMB2] 3.3.5.9.13) against the server in its own JVM, with impacket
 * (python3-impacket) under C libsocket_wrapper: another user who sends the AppInstanceId of a user's open from
 * another client must not close that open; the same user's second client (a failed-over application) does.
 */
class AppInstanceIT extends SmbServerSuite {
    private static final int CLIENT = 38;
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String OTHER = "other";
    private static final String OTHER_PASSWORD = "secret2";
    private static final String SUCCESS = "0x00000000";
    private static final String FILE_CLOSED = "0xc0000128";

    @Test
    void anotherUsersAppInstanceIdClosesNothingTheSameUsersClosesTheOldOpen() throws Exception {
        new SmbPasswdFile(env.share().resolveSibling("smbpasswd")).addUser(OTHER, 1001, OTHER_PASSWORD,
                System.currentTimeMillis() / 1000);
        try (ChildProcess p = ChildProcess.cPeer("impacket-appinstance", ChildProcess.net(env.swrapDir(), CLIENT),
                "app_instance_client.py", "127.0.0." + NICS[0], "share", SmbEnv.USER, SmbEnv.PASSWORD, OTHER,
                OTHER_PASSWORD)) {
            assertEquals(SUCCESS, step(p, "opened"));
            step(p, "other-user"); // opened or refused by the file's ACL: either way it must close nothing
            assertEquals(SUCCESS, step(p, "first-after-other-user"),
                    "the first user's handle after another user's CREATE with its AppInstanceId");
            assertEquals(SUCCESS, step(p, "same-user"), "the same user's CREATE from its second client");
            assertEquals(FILE_CLOSED, step(p, "first-after-same-user"),
                    "the old handle is closed by the same user's CREATE with its AppInstanceId");
            p.succeeds();
        }
    }

    private static String step(ChildProcess p, String name) throws Exception {
        return p.expect("STEP " + name + " (0x[0-9a-f]{8})", STEP).group(1);
    }
}
