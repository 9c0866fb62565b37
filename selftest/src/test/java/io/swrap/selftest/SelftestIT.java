package io.swrap.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job itself: every exchange of the selftest network works and is reported. */
class SelftestIT {
    @TempDir
    Path dir;

    @Test
    void everyClientReachesEveryServerAndIsSeenByItsFakeAddress() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Selftest selftest = new Selftest(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
        int failed = selftest.run();
        String report = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, failed, report);
        assertEquals(51, selftest.rows().size(), report);
        for (Selftest.Row r : selftest.rows()) {
            if (!r.serverSaw().equals("-")) {
                assertEquals(r.from(), r.serverSaw(), report);
            }
        }
        assertTrue(report.contains("selftest: 51 passed, 0 failed (and 0 knownfail"), report);
    }

    @Test
    void canonicalAddressNotation() {
        assertEquals("127.0.0.21:1234", Selftest.canonical("/127.0.0.21:1234"));
        assertEquals("[fd00::5357:5f15]:1234", Selftest.canonical("/[fd00:0:0:0:0:0:5357:5f15]:1234"));
        assertEquals("[fd00::5357:5f15]:1234", Selftest.canonical("fd00::5357:5f15:1234"));
        assertEquals("[1:0:2::3]:7", Selftest.canonical("[1:0:2:0:0:0:0:3]:7"));
    }
}
