package io.swrap.selftest.env;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A C program (smbclient, smbtorture, rpcclient, net) run to completion under libsocket_wrapper from one interface
 * of a fake network, bounded in time, its output kept in a file so a chatty or hung program cannot
 * block the caller.
 */
final class CTool {
    private CTool() {
    }

    /** Exit status, merged stdout/stderr and wall time of one run. */
    record Completed(int exit, String output, long nanos) {
    }

    /**
     * A bound on silence: a program whose output has not grown for {@code stallSeconds} is hung (smbtorture
     * prints a subunit line as each test starts and ends, so this bounds one test); {@code diagnosis} is asked
     * for what explains the hang (the server's threads) before the program is killed.
     */
    record Watch(long stallSeconds, Supplier<String> diagnosis) {
    }

    static Completed run(List<String> cmd, Path swrapDir, int clientIface, Path cwd, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(cmd, swrapDir, clientIface, cwd, timeoutSeconds, null);
    }

    static Completed run(List<String> cmd, Path swrapDir, int clientIface, Path cwd, long timeoutSeconds, Watch watch)
            throws IOException, InterruptedException {
        Path program = Path.of(cmd.get(0));
        if (!Files.isExecutable(program)) {
            throw new AssertionError(program + " is missing: scripts/test installs it (apt-get install -y "
                    + (program.endsWith("smbtorture") ? "samba-testsuite" : program.endsWith("net") ? "samba-common-bin"
                    : program.endsWith("rpcclient") ? "smbclient" : program.getFileName()) + ")");
        }
        Path out = Files.createTempFile(cwd, program.getFileName().toString(), ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKET_WRAPPER_") || k.equals("LD_PRELOAD"));
        pb.environment().putAll(ChildProcess.net(swrapDir, clientIface));
        pb.environment().put("LD_PRELOAD", DebianLibs.libsocketWrapper().toString());
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long size = 0;
            long grew = start;
            while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                long s = Files.size(out);
                if (s != size) {
                    size = s;
                    grew = now;
                }
                boolean stalled = watch != null && now - grew > TimeUnit.SECONDS.toNanos(watch.stallSeconds());
                if (stalled || now - deadline > 0) {
                    String why = stalled
                            ? " printed nothing for " + watch.stallSeconds() + " s (a hung test; the bound per test)"
                            : " did not finish within " + timeoutSeconds + " s";
                    String diagnosis = watch == null ? "" : watch.diagnosis().get();
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(program.getFileName() + why + ": " + cmd + "\n"
                            + Files.readString(out, StandardCharsets.UTF_8) + diagnosis);
                }
            }
            long nanos = System.nanoTime() - start;
            return new Completed(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), nanos);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
