package io.swrap.smb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FileIdsTest {
    private static final int N = 10_000;

    @Test
    void oneProcessCountsFromOne() {
        FileIds ids = FileIds.single();
        assertEquals(List.of(1L, 2L, 3L), List.of(ids.next(), ids.next(), ids.next()));
        assertEquals(0, FileIds.workerOf(4));
    }

    /** Every worker, and a worker restarted in the slot of a dead one (same slot, new pid), gives out ids of its own. */
    @Test
    void workersAndARestartedWorkerNeverGiveOutEqualIds() {
        List<FileIds> sources = List.of(FileIds.single(), FileIds.worker(0, 4100), FileIds.worker(1, 4101),
                FileIds.worker(63, 4102), FileIds.worker(0, 4103), FileIds.worker(1, 4100));
        Set<Long> seen = new HashSet<>();
        for (FileIds s : sources) {
            for (int i = 0; i < N; i++) {
                long id = s.next();
                assertTrue(id > 0, "positive, never 0 or -1 (the compound's previous FileId): " + Long.toHexString(id));
                assertTrue(seen.add(id), "FileId 0x" + Long.toHexString(id) + " given out twice");
            }
        }
        assertEquals(sources.size() * N, seen.size());
    }

    @Test
    void theWorkerNumberIsInTheHighBits() {
        long id = FileIds.worker(2, 4_194_303).next();
        assertEquals(3, FileIds.workerOf(id));
        assertEquals(0x03FF_FFFC_0000_0001L, id);
        assertTrue(FileIds.worker(63, FileIds.MAX_PID).next() > 0);
    }

    @Test
    void aSlotOrPidOutsideItsFieldIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FileIds.worker(-1, 10)).getMessage()
                .contains("slot -1"));
        assertThrows(IllegalArgumentException.class, () -> FileIds.worker(FileIds.MAX_WORKER, 10));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FileIds.worker(0, FileIds.MAX_PID + 1))
                .getMessage().contains("pid 4194304"));
        assertThrows(IllegalArgumentException.class, () -> FileIds.worker(0, 0));
    }

    /** SessionIds: one process as before (0x10001, 0x20001), workers' of their own, never equal across workers. */
    @Test
    void sessionIdsAreUniqueAmongWorkers() {
        FileIds single = FileIds.single();
        assertEquals(List.of(0x10001L, 0x20001L), List.of(single.nextSessionId(), single.nextSessionId()));
        List<FileIds> sources = List.of(FileIds.single(), FileIds.worker(0, 4100), FileIds.worker(1, 4101),
                FileIds.worker(0, 4103));
        Set<Long> seen = new HashSet<>();
        for (FileIds s : sources) {
            for (int i = 0; i < N; i++) {
                long id = s.nextSessionId();
                assertTrue(id > 0, "positive, never 0 or -1: " + Long.toHexString(id));
                assertTrue(seen.add(id), "SessionId 0x" + Long.toHexString(id) + " given out twice");
            }
        }
        assertEquals(0x0200_4014_0000_0011L, FileIds.worker(1, 4101).nextSessionId());
        assertEquals(2, FileIds.workerOf(FileIds.worker(1, 4101).nextSessionId()));
    }
}
