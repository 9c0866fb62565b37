package io.swrap.selftest.env;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's smbclient under C libsocket_wrapper, bounded in time, its output kept in a file. */
public final class Smbclient {
    public static final Path SMBCLIENT = Path.of("/usr/bin/smbclient");

    private Smbclient() {
    }

    /** What one smbclient run printed, how it ended, and how long it took. */
    public record Result(int exit, String output, long nanos) {
    }

    /**
     * Runs {@code smbclient UNC -U user%password OPTIONS -c COMMANDS} in {@code cwd}, from interface
     * {@code clientIface} of the network {@code swrapDir}.
     */
    public static Result run(Path swrapDir, int clientIface, String unc, String user, String password, Path cwd,
                             long timeoutSeconds, String commands, String... options)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(SMBCLIENT)) {
            throw new AssertionError(SMBCLIENT + " is missing: apt-get install -y smbclient (scripts/test does this)");
        }
        List<String> cmd = new ArrayList<>(List.of(SMBCLIENT.toString(), "--configfile=/dev/null", unc,
                "-U", user + "%" + password, "--use-kerberos=off"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-c", commands));
        Path out = Files.createTempFile(cwd, "smbclient", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKET_WRAPPER_") || k.equals("LD_PRELOAD"));
        pb.environment().putAll(ChildProcess.net(swrapDir, clientIface));
        pb.environment().put("LD_PRELOAD", ChildProcess.LIBSOCKET_WRAPPER);
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("smbclient did not finish within " + timeoutSeconds + " s: " + cmd + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            long nanos = System.nanoTime() - start;
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), nanos);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
