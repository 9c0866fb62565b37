package io.swrap.smb.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's smbclient against 127.0.0.1, bounded by a timeout. Missing smbclient is a failure,
 * not a skip: these tests are the proof that real clients work.
 */
final class SmbClient {
    static final Path SMBCLIENT = Path.of("/usr/bin/smbclient");
    private static final long TIMEOUT_SECONDS = 60;

    /** Exit status and merged stdout/stderr of one run. */
    record Result(int exit, String output) {
    }

    private SmbClient() {
    }

    static Result run(int port, String share, String password, Path cwd, String commands, String... options)
            throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(SMBCLIENT), SMBCLIENT + " is missing: install it with 'apt-get install -y smbclient'");
        List<String> cmd = new ArrayList<>(List.of(SMBCLIENT.toString(), "--configfile=/dev/null",
                "//127.0.0.1/" + share, "-p", Integer.toString(port), "-U", SmbTestServer.USER + "%" + password,
                "--use-kerberos=off"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-c", commands));
        return runBounded(cmd, cwd, TIMEOUT_SECONDS);
    }

    /** Runs {@code cmd} with its output in a file, so that a chatty or hung process cannot block the test. */
    static Result runBounded(List<String> cmd, Path cwd, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(cmd.get(0) + " did not finish within " + timeoutSeconds + " s: " + cmd + "\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return new Result(p.exitValue(), output);
    }
}
