package io.swrap.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new table costs disk and page cache for what is used, not for its capacity: the free list of
 * a zero-filled file needs no formatting pass.
 */
class SparseTableTest {
    private static final int CAPACITY = 65_535;
    private static final int RECORD = 168;

    @TempDir
    Path dir;

    @Test
    void newTableAllocatesOnlyTheHeaderAndTheRecordsInUse() throws Exception {
        Path file = dir.resolve("sockets");
        Layout layout = Layout.of(CAPACITY, RECORD);
        try (SharedTable table = SharedTable.open(file, layout)) {
            long fresh = allocatedBytes(file);
            assertTrue(fresh <= 64 * 1024, "a new " + layout.fileSize() + "-byte table allocates "
                    + fresh + " bytes (expected: a few pages)");
            for (int i = 0; i < 100; i++) {
                assertEquals(i, table.allocate());
            }
            long used = allocatedBytes(file);
            assertTrue(used <= fresh + 64 * 1024, "100 records allocate " + (used - fresh)
                    + " more bytes (expected: about 100 x 176)");
            assertTrue(table.audit().problems().isEmpty(), table.audit().toString());
        }
    }

    @Test
    void theImplicitFreeListHandsOutEveryRecordThenReportsFull() throws Exception {
        Layout layout = Layout.of(300, 8);
        try (SharedTable table = SharedTable.open(dir.resolve("t"), layout)) {
            for (int i = 0; i < 300; i++) {
                assertEquals(i, table.allocate());
            }
            assertTrue(table.audit().problems().isEmpty(), table.audit().toString());
            try {
                table.allocate();
                throw new AssertionError("allocated record 301 of a 300-record table");
            } catch (TableFullException expected) {
                // the last slot's stored 0 decodes as NIL: the list ends at capacity
            }
            table.free(299);
            table.free(7);
            assertEquals(7, table.allocate());
            assertEquals(299, table.allocate());
        }
    }

    /** st_blocks × 512, from stat(1): the JDK has no attribute for a file's allocated size. */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, stat.waitFor(), "stat " + file + ": " + out);
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
