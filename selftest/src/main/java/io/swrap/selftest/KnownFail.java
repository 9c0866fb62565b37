package io.swrap.selftest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The knownfail list ({@code knownfail.txt} on the class path): test name → why it fails today. */
final class KnownFail {
    private KnownFail() {
    }

    static Map<String, String> load() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = KnownFail.class.getResourceAsStream("/knownfail.txt")) {
            if (in == null) {
                throw new IOException("knownfail.txt missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] parts = t.split("\\s+", 2);
                if (parts.length < 2) {
                    throw new IOException("knownfail.txt: '" + t + "' has no reason (expected: TEST REASON)");
                }
                out.put(parts[0], parts[1]);
            }
        }
        return out;
    }
}
