package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * The AllocationSize an open answers: its data's clusters, or the AllocationSize its CREATE asked for while the
 * data is smaller (smb2.durable-open.alloc-size: 4096 for an empty file created with 4096, 8192 once it holds
 * 4097 bytes).
 */
class FileInfoAllocationTest {
    private static FileInfo file(long size, boolean directory) {
        long clusters = (size + FileInfo.CLUSTER - 1) / FileInfo.CLUSTER * FileInfo.CLUSTER;
        return new FileInfo(1, 2, 3, 4, size, clusters, FileInfo.ATTR_ARCHIVE, directory, 5, 1, 6, 1000, 1000, 0);
    }

    @Test
    void theAskedAllocationCountsWhileTheDataIsSmaller() {
        FileInfo f = file(0, false).allocatedAtLeast(4096);
        assertEquals(4096, f.allocationSize());
        assertEquals(0, f.endOfFile(), "only AllocationSize changes");
        assertEquals(5, f.fileId());
    }

    @Test
    void theDataCountsOnceItIsLarger() {
        FileInfo f = file(4097, false);
        assertSame(f, f.allocatedAtLeast(4096));
        assertEquals(8192, f.allocationSize());
    }

    @Test
    void noAskedAllocationLeavesTheData() {
        FileInfo f = file(1, false);
        assertSame(f, f.allocatedAtLeast(0));
    }

    @Test
    void aDirectoryKeepsItsOwn() {
        FileInfo d = file(0, true);
        assertSame(d, d.allocatedAtLeast(1 << 20));
    }
}
