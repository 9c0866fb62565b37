package io.swrap.selftest.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's smbtorture (samba-testsuite) under C libsocket_wrapper, bounded in time, its output kept in a file.
 * It runs with {@code --format=subunit}; results are keyed by full test name ({@code smb2.create.mkdir-dup},
 * {@code smb2.multichannel.generic.interface_info}), which subunit does not print: smbtorture names a test
 * relative to the argument that selected it ({@code mkdir-dup} of smb2.create, {@code bug14788.NETWORK_INTERFACE}
 * of smb2.ioctl). The full names come from {@code smbtorture --list} of the same arguments, and each subunit
 * result is matched to the first listed test, not matched yet, that ends with its name (the list gives nested
 * groups first, the run gives them last; a name that repeats across groups is matched in list order).
 */
public final class Smbtorture {
    public static final Path SMBTORTURE = Path.of("/usr/bin/smbtorture");
    /** A subunit line naming a test; names may contain spaces ("copy-chunk streams"), details follow " [". */
    private static final Pattern LINE = Pattern.compile("^(test|success|failure|error|skip|xfail|uxsuccess): (.+?)( \\[)?$");
    private static final long LIST_TIMEOUT_SECONDS = 60;
    /**
     * The bound on one test: smbtorture prints a subunit line as each test starts and ends, and its longest
     * tests wait out a break timeout or two (35 s each), so five minutes without a line is a hang.
     */
    public static final long TEST_STALL_SECONDS = 300;

    private Smbtorture() {
    }

    /**
     * What one run printed and how it ended. {@link #results()} maps every test the arguments name, by full
     * name in run order, to its subunit outcome ({@code success}, {@code failure}, {@code error}, {@code skip},
     * {@code xfail}), or {@code not run} when smbtorture ended (crashed, timed out) before reporting it.
     */
    public record Result(int exit, String output, long nanos, List<String> tests) {
        public Map<String, String> results() {
            Map<String, String> out = new LinkedHashMap<>();
            tests.forEach(t -> out.put(t, "not run"));
            boolean[] reported = new boolean[tests.size()];
            String current = null;
            for (String line : output.split("\n", -1)) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String name = m.group(2);
                if (m.group(1).equals("test")) {
                    current = null;
                    for (int i = 0; i < tests.size(); i++) {
                        if (!reported[i] && names(tests.get(i), name)) {
                            current = tests.get(i);
                            reported[i] = true;
                            break;
                        }
                    }
                    if (current == null) {
                        out.put("unlisted." + name, "error");
                    }
                } else if (current != null && names(current, name)) {
                    out.put(current, m.group(1));
                }
            }
            return out;
        }
    }

    /** Whether subunit's {@code name} (relative to the argument that selected it) is {@code fullName}. */
    private static boolean names(String fullName, String name) {
        return fullName.equals(name) || fullName.endsWith("." + name);
    }

    /**
     * The full names of the tests {@code args} (suites or tests) select, in run order. smbtorture lists a
     * test as SUITE.TCASE.TEST, and a simple test as a test case of its own name (SUITE.NAME.NAME): that one
     * is named SUITE.NAME, as in Samba's selftest.
     */
    public static List<String> list(List<String> args) throws IOException, InterruptedException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("no smbtorture suite or test named (it would list all of them)");
        }
        List<String> cmd = new ArrayList<>(List.of(SMBTORTURE.toString(), "--configfile=/dev/null", "--list"));
        cmd.addAll(args);
        Path out = Files.createTempFile("smbtorture-list", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(LIST_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException(cmd + " did not finish within " + LIST_TIMEOUT_SECONDS + " s");
            }
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("smbtorture ")) {
                    continue; // the version banner
                }
                int last = t.lastIndexOf('.');
                int prev = last < 0 ? -1 : t.lastIndexOf('.', last - 1);
                if (prev >= 0 && t.substring(prev + 1, last).equals(t.substring(last + 1))) {
                    t = t.substring(0, last);
                }
                // --list SUITE also lists the suites whose names merely start with it (smb2.compound_async)
                String name = t;
                if (args.stream().anyMatch(a -> name.equals(a) || name.startsWith(a + "."))) {
                    names.add(name);
                }
            }
            if (p.exitValue() != 0 || names.isEmpty()) {
                throw new IOException(cmd + " exited " + p.exitValue() + " listing " + names.size() + " tests:\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return names;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs {@code smbtorture UNC -U user%password --use-kerberos=off --format=subunit OPTIONS TESTS} in
     * {@code cwd} from interface {@code clientIface} of the network {@code swrapDir}, each test bounded by
     * {@link #TEST_STALL_SECONDS}: a hung test (or the whole run past {@code timeoutSeconds}) fails with the
     * output so far, whose last {@code test:} line names the test, and {@code serverThreads}' answer.
     */
    public static Result run(Path swrapDir, int clientIface, String unc, String user, String password, Path cwd,
                             long timeoutSeconds, List<String> options, List<String> tests,
                             Supplier<String> serverThreads)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SMBTORTURE.toString(), "--configfile=/dev/null", unc,
                "-U", user + "%" + password, "--use-kerberos=off", "--format=subunit"));
        cmd.addAll(options);
        cmd.addAll(tests);
        List<String> listed = list(tests);
        CTool.Completed c = CTool.run(cmd, swrapDir, clientIface, cwd, timeoutSeconds,
                new CTool.Watch(TEST_STALL_SECONDS, serverThreads));
        return new Result(c.exit(), c.output(), c.nanos(), listed);
    }
}
