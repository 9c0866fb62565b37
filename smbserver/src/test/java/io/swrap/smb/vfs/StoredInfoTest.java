package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredInfoTest {
    private static final long CREATED = FileTimes.toFiletime(Instant.parse("2030-01-02T03:04:05Z"));
    private static final long CHANGED = FileTimes.toFiletime(Instant.parse("2029-06-07T08:09:10Z"));

    @TempDir
    Path tmp;

    private Vfs.Handle open(String name) throws Exception {
        return new io.swrap.smb.vfs.posix.PosixVfs(tmp).open(name);
    }

    @Test
    void keepsWhatTheClientSetUntilTheFileIsWritten() throws Exception {
        Path p = Files.writeString(tmp.resolve("f"), "abc");
        Vfs.Handle f = open("f");
        assertEquals(FileInfo.ATTR_ARCHIVE, FileInfo.of(f).attributes());

        StoredInfo.update(f, FileInfo.ATTR_HIDDEN, CREATED, CHANGED);
        FileInfo i = FileInfo.of(f);
        assertEquals(FileInfo.ATTR_HIDDEN, i.attributes());
        assertEquals(CREATED, i.creationTime());
        assertEquals(CHANGED, i.changeTime());

        StoredInfo.update(f, FileInfo.ATTR_NORMAL, 0, 0); // 0 keeps the stored times
        i = FileInfo.of(f);
        assertEquals(FileInfo.ATTR_NORMAL, i.attributes());
        assertEquals(CREATED, i.creationTime());
        assertEquals(CHANGED, i.changeTime());

        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2031-01-01T00:00:00Z")));
        i = FileInfo.of(f);
        assertNotEquals(CHANGED, i.changeTime(), "a write changes the file again");
        assertEquals(CREATED, i.creationTime());
    }

    @Test
    void directoriesKeepTheirDirectoryBit() throws Exception {
        Files.createDirectory(tmp.resolve("d"));
        Vfs.Handle d = open("d");
        StoredInfo.update(d, FileInfo.ATTR_HIDDEN, 0, 0);
        assertEquals(FileInfo.ATTR_HIDDEN | FileInfo.ATTR_DIRECTORY, FileInfo.of(d).attributes());
    }
}
