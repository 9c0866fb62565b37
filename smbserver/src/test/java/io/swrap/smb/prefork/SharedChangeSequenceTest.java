package io.swrap.smb.prefork;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers' change numbers: one counter in the directory, seen by every mapping, kept across a restart. */
class SharedChangeSequenceTest {
    @TempDir
    Path dir;

    @Test
    void numbersTakenThroughOneMappingAreCurrentInAnotherAndOutliveIt() throws Exception {
        try (SharedChangeSequence first = SharedChangeSequence.open(dir)) {
            assertEquals(0, first.current());
            try (SharedChangeSequence second = SharedChangeSequence.open(dir)) {
                assertEquals(1, first.next());
                assertEquals(2, second.next());
                assertEquals(2, first.current());
            }
        }
        try (SharedChangeSequence restarted = SharedChangeSequence.open(dir)) {
            assertEquals(2, restarted.current());
            assertEquals(3, restarted.next());
        }
    }
}
