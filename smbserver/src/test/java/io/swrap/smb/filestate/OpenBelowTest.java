package io.swrap.smb.filestate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBelowTest {
    @TempDir
    Path dir;

    private static FileKey key(Path p) throws Exception {
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        return new FileKey((Long) a.get("dev"), (Long) a.get("ino"));
    }

    @Test
    void findsAFileHeldBelowByItsIdentityWhateverItsName() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d/a/b"));
        Path f = Files.writeString(deep.resolve("f.txt"), "x");
        Path outside = Files.writeString(dir.resolve("outside.txt"), "y");
        Path sub = Files.createDirectories(dir.resolve("d/a/c"));
        assertEquals(f, OpenBelow.find(dir.resolve("d"), Set.of(key(outside), key(f))));
        // a named stream's record stands for its file
        FileKey stream = new FileKey(key(f).dev(), key(f).ino(), "s1");
        assertEquals(f, OpenBelow.find(dir.resolve("d"), Set.of(stream.file())));
        assertEquals(sub, OpenBelow.find(dir.resolve("d"), Set.of(key(sub))), "a directory held below");
        // the renamed directory itself and files elsewhere are not below it
        assertNull(OpenBelow.find(dir.resolve("d"), Set.of(key(dir.resolve("d")), key(outside))));
    }

    @Test
    void aSymbolicLinkBelowIsNotFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("target.txt"), "t");
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.createSymbolicLink(d.resolve("link"), target);
        Files.createSymbolicLink(d.resolve("dirlink"), dir);
        assertNull(OpenBelow.find(d, Set.of(key(target))), "the link's target is not below d");
    }
}
