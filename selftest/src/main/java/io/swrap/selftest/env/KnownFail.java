package io.swrap.selftest.env;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one list of smbtorture tests the server does not pass ({@code knownfail.txt} on the class path), as
 * Samba's selftest/knownfail: each line is {@code REGEX REASON}; the regex is matched against the full test
 * name from its start ({@code smb2.lease.} covers the suite, {@code smb2.create.gentest$} one test). Every
 * runner judges with {@link #judge}: a failure not listed fails the run, and so does a listed test that
 * passes ("unexpected success": its line must go), so the list only shrinks and a newly passing test shows.
 * A reason that starts with {@code flapping:} marks a test that passes in some runs and fails in others
 * (Samba's selftest/flapping): either outcome is accepted until its cause is fixed.
 */
public final class KnownFail {
    private record Entry(Pattern pattern, String reason) {
    }

    /** One test's verdict: {@code ok}, {@code knownfail: REASON}, {@code flapping: REASON} or {@code FAILED: WHY}. */
    public record Verdict(String test, String outcome, String result) {
        public boolean ok() {
            return !result.startsWith("FAILED");
        }

        @Override
        public String toString() {
            return test + ": " + outcome + (result.equals("ok") ? "" : " -> " + result);
        }
    }

    private final List<Entry> entries;

    private KnownFail(List<Entry> entries) {
        this.entries = entries;
    }

    public static KnownFail load() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = KnownFail.class.getResourceAsStream("/knownfail.txt")) {
            if (in == null) {
                throw new IOException("knownfail.txt missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] parts = t.split("\\s+", 2);
                if (parts.length < 2) {
                    throw new IOException("knownfail.txt:" + n + ": '" + t + "' has no reason (expected: REGEX REASON)");
                }
                try {
                    out.add(new Entry(Pattern.compile(parts[0]), parts[1]));
                } catch (PatternSyntaxException e) {
                    throw new IOException("knownfail.txt:" + n + ": '" + parts[0] + "' is not a regex: "
                            + e.getDescription(), e);
                }
            }
        }
        return new KnownFail(out);
    }

    /** Why {@code test} (a full name) is expected to fail, or null when it must pass. */
    public String reason(String test) {
        for (Entry e : entries) {
            if (e.pattern.matcher(test).lookingAt()) {
                return e.reason;
            }
        }
        return null;
    }

    /**
     * The verdict of one outcome: success and skip pass unless the test is listed (then unexpected success,
     * for a success); anything else (failure, error, not run) passes only when listed.
     */
    public Verdict judge(String test, String outcome) {
        String reason = reason(test);
        boolean passed = outcome.equals("success");
        String result;
        if (reason != null && reason.startsWith("flapping:")) {
            result = reason;
        } else if (passed || outcome.equals("skip")) {
            result = reason == null || !passed ? "ok" : "FAILED: unexpected success, remove its knownfail.txt line";
        } else {
            result = reason == null ? "FAILED: " + outcome : "knownfail: " + reason;
        }
        return new Verdict(test, outcome, result);
    }

    /** The verdicts of a run's results (full name to outcome), in order. */
    public List<Verdict> judge(Map<String, String> results) {
        List<Verdict> out = new ArrayList<>();
        results.forEach((t, o) -> out.add(judge(t, o)));
        return out;
    }
}
