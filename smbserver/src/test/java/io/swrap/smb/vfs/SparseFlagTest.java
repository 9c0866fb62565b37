package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sparse flag and the hole operations of the POSIX VFS, on real files of the test's file system. */
class SparseFlagTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private Vfs.Handle open(String name) throws Exception {
        return new io.swrap.smb.vfs.posix.PosixVfs(tmp).open(name);
    }

    /** A file of {@code size} bytes with 1 KiB of data at each of {@code at}, holes elsewhere. */
    private Path holey(String name, long size, long... at) throws Exception {
        Path p = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size); // ftruncate: all hole
            for (long off : at) {
                f.seek(off);
                f.write(new byte[1024]);
            }
        }
        return p;
    }

    @Test
    void onlyTheFlagMakesAFileSparse() throws Exception {
        holey("f", 2 * MIB, 0);
        try (Vfs.Handle f = open("f")) {
            assertFalse(SparseFlag.read(f));
            assertEquals(0, FileInfo.of(f).attributes() & FileInfo.ATTR_SPARSE_FILE);
            StoredInfo.update(f, FileInfo.ATTR_SPARSE_FILE | FileInfo.ATTR_HIDDEN, 0, 0);
            assertEquals(FileInfo.ATTR_HIDDEN, FileInfo.of(f).attributes(), "a stored DOS attribute is not the flag");

            assertTrue(SparseFlag.write(f, true));
            assertTrue(SparseFlag.read(f));
            assertEquals(FileInfo.ATTR_HIDDEN | FileInfo.ATTR_SPARSE_FILE, FileInfo.of(f).attributes());
            assertTrue(SparseFlag.write(f, false));
            assertEquals(FileInfo.ATTR_HIDDEN, FileInfo.of(f).attributes());
        }
    }

    @Test
    void dataRangesSkipHolesAndStopAtTheirBounds() throws Exception {
        holey("f", 4 * MIB, 0, MIB, 3 * MIB);
        try (Vfs.Handle f = open("f")) {
            List<long[]> all = f.dataRanges(0, 4 * MIB, 10);
            assertEquals(3, all.size(), "three extents around the holes");
            assertEquals(0, all.get(0)[0]);
            assertEquals(MIB, all.get(1)[0]);
            assertEquals(3 * MIB, all.get(2)[0]);
            for (long[] r : all) {
                assertTrue(r[1] >= 1024 && r[1] < MIB, "range of " + r[1] + " bytes");
            }
            assertEquals(2, f.dataRanges(0, 4 * MIB, 2).size(), "at most max ranges");
            List<long[]> cut = f.dataRanges(MIB + 100, MIB + 200, 10);
            assertEquals(1, cut.size());
            assertArrayEquals(new long[] {MIB + 100, 100}, cut.get(0), "cut at both ends");
            assertEquals(0, f.dataRanges(2 * MIB, 3 * MIB, 10).size(), "a hole has no data");
        }
    }

    @Test
    void aPunchedHoleReadsAsZerosAndKeepsTheSize() throws Exception {
        Path p = tmp.resolve("f");
        byte[] ones = new byte[3 * 4096];
        java.util.Arrays.fill(ones, (byte) 7);
        Files.write(p, ones);
        try (Vfs.Handle f = open("f")) {
            f.punchHole(4096, 4096);
            assertEquals(ones.length, Files.size(p));
            byte[] now = Files.readAllBytes(p);
            for (int i = 0; i < now.length; i++) {
                assertEquals(i >= 4096 && i < 8192 ? 0 : 7, now[i], "byte " + i);
            }
            List<long[]> r = f.dataRanges(0, ones.length, 10);
            assertEquals(2, r.size(), "the punched block is a hole");
            assertArrayEquals(new long[] {0, 4096}, r.get(0));
            assertArrayEquals(new long[] {8192, 4096}, r.get(1));
        }
    }
}
