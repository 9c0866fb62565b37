package io.swrap.selftest.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<String> cmd = new ArrayList<>(List.of(SMBTORTURE.toString(), "--configfile=/dev/null", unc,
                "-U", user + "%" + password, "--use-kerberos=off"));
        cmd.addAll(options);
        cmd.addAll(tests);
        CTool.Completed c = CTool.run(cmd, swrapDir, clientIface, cwd, timeoutSeconds);
        return new Result(c.exit(), c.output(), c.nanos());
    }
}
