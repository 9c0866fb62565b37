package io.swrap.smb.filestate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stores on a fresh swrap-shm table each, for running the view tests on shared memory. */
public final class ShmTestStores {
    private ShmTestStores() {
    }

    /** A store on a new table in a new temporary directory (both removed when the JVM exits). */
    public static FileStore fresh(Messenger m, boolean leasing) {
        try {
            Path dir = Files.createTempDirectory("filestate-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(ShmRecords.FILE);
            FileStore s = new FileStore(ShmRecords.open(file), m, leasing);
            file.toFile().deleteOnExit();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
