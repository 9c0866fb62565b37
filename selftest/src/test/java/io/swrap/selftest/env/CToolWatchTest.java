package io.swrap.selftest.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bound on one smbtorture test, with real programs: a program that prints and then falls silent is
 * killed after the stall bound with what it printed and the diagnosis (the server's threads), while one
 * that keeps printing runs past that bound to its end.
 */
class CToolWatchTest {
    @TempDir
    Path dir;

    @Test
    void aProgramSilentForTheBoundIsKilledWithItsOutputAndTheDiagnosis() throws Exception {
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> CTool.run(
                List.of("/bin/sh", "-c", "echo 'test: hangs'; sleep 60"), dir, 23, dir, 120,
                new CTool.Watch(2, () -> "\nthreads of the server: here")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains("printed nothing for 2 s"), e.getMessage());
        assertTrue(e.getMessage().contains("test: hangs"), e.getMessage());
        assertTrue(e.getMessage().endsWith("threads of the server: here"), e.getMessage());
        assertTrue(seconds < 30, "killed after " + seconds + " s, not at the 2 s bound");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the output file is removed");
        }
    }

    @Test
    void aProgramThatKeepsPrintingOutlivesTheBound() throws Exception {
        CTool.Completed c = CTool.run(List.of("/bin/sh", "-c", "for i in 1 2 3 4; do echo line $i; sleep 1; done"),
                dir, 23, dir, 120, new CTool.Watch(2, () -> "unused"));
        assertEquals(0, c.exit());
        assertTrue(c.output().contains("line 4"), c.output());
    }
}
