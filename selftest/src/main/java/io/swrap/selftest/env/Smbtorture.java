package io.swrap.selftest.env;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian's smbtorture (samba-testsuite) under C libsocket_wrapper, bounded in time, its output kept in a file. */
public final class Smbtorture {
    public static final Path SMBTORTURE = Path.of("/usr/bin/smbtorture");
    /** smbtorture's subunit-like result lines: {@code success: NAME}, {@code failure: NAME [...}. */
    private static final Pattern RESULT = Pattern.compile("^(success|failure|error|skip|xfail): (\\S+)", Pattern.MULTILINE);

    private Smbtorture() {
    }

    /** What one run printed and how it ended; {@link #results()} maps each test's short name to its outcome. */
    public record Result(int exit, String output, long nanos) {
        public Map<String, String> results() {
            Map<String, String> out = new LinkedHashMap<>();
            Matcher m = RESULT.matcher(output);
            while (m.find()) {
                out.put(m.group(2), m.group(1));
            }
            return out;
        }
    }

    /**
     * Runs {@code smbtorture UNC -U user%password --use-kerberos=off OPTIONS TESTS} in {@code cwd} from
     * interface {@code clientIface} of the network {@code swrapDir}.
     */
    public static Result run(Path swrapDir, int clientIface, String unc, String user, String password, Path cwd,
                             long timeoutSeconds, List<String> options, List<String> tests)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(SMBTORTURE)) {
            throw new AssertionError(SMBTORTURE + " is missing: apt-get install -y samba-testsuite");
        }
        List<String> cmd = new ArrayList<>(List.of(SMBTORTURE.toString(), "--configfile=/dev/null", unc,
                "-U", user + "%" + password, "--use-kerberos=off"));
        cmd.addAll(options);
        cmd.addAll(tests);
        Path out = Files.createTempFile(cwd, "smbtorture", ".out");
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
                throw new AssertionError("smbtorture did not finish within " + timeoutSeconds + " s: " + cmd + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), System.nanoTime() - start);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
