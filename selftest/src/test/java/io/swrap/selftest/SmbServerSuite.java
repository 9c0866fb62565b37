package io.swrap.selftest;

import io.swrap.selftest.env.SmbEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the suites that share one SMB server for all their tests: the server in its own JVM under
 * the agent on port 445 of the fake NICs 127.0.0.11..14, started once per class.
 */
abstract class SmbServerSuite {
    static final int[] NICS = {11, 12, 13, 14};

    @TempDir
    static Path base;
    static SmbEnv env;

    @BeforeAll
    static void startServer() throws Exception {
        env = SmbEnv.start(base.resolve("net"), NICS, "");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (env != null) {
            env.close();
            env = null;
        }
    }
}
