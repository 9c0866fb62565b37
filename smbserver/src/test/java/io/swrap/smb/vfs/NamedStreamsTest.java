package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.posix.PosixVfs;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named streams on real files: Samba's streams_xattr layout, names, data through the handle and channel. */
class NamedStreamsTest {
    @TempDir
    Path tmp;

    @Test
    void namesSplitAsWindowsNamesStreams() throws Exception {
        assertEquals(new NamedStreams.Name("d\\f.txt", null), NamedStreams.parse("d\\f.txt"));
        assertEquals(new NamedStreams.Name("f", "Stream One"), NamedStreams.parse("f:Stream One"));
        assertEquals(new NamedStreams.Name("f", "S"), NamedStreams.parse("f:S:$DaTa"));
        assertEquals(new NamedStreams.Name("f", ""), NamedStreams.parse("f::$DATA"));
        assertEquals("\u0005stream\n one", NamedStreams.parse("f:\u0005Stream\n One").key(),
                "control characters are allowed, the key ignores case");
        for (String bad : List.of("f:", "f:s:", "f:s:$FOO", "f:s:?D*a", "f:a/b", "f:a\\b", "f:a\u0000b",
                "f:" + "x".repeat(NamedStreams.MAX_NAME + 1))) {
            assertEquals(NtStatus.OBJECT_NAME_INVALID,
                    assertThrows(Smb2Exception.class, () -> NamedStreams.parse(bad)).status(), bad);
        }
    }

    @Test
    void streamDataLiveInSambasXattrWithItsTrailingNul() throws Exception {
        Files.writeString(tmp.resolve("f"), "base data");
        try (PosixVfs vfs = new PosixVfs(tmp)) {
            Vfs.Handle base = vfs.open("f");
            NamedStreams.Name name = NamedStreams.parse("f:Stream One");
            assertNull(NamedStreams.find(base, "stream one"));
            StreamHandle s = NamedStreams.open(base, null, name, 1000);
            assertTrue(s.isPending());
            assertEquals(0, s.stat().size(), "a stream to be made reads as empty");
            s.create();
            s.write(ByteBuffer.wrap("test data".getBytes(StandardCharsets.US_ASCII)), 0);
            s.write(ByteBuffer.wrap("MORE DATA ".getBytes(StandardCharsets.US_ASCII)), 5);
            assertArrayEquals("test MORE DATA \0".getBytes(StandardCharsets.US_ASCII),
                    base.getXattr("user.DosStream.Stream One:$DATA", 100), "Samba's name and trailing NUL");
            assertEquals("user.DosStream.Stream One:$DATA", NamedStreams.find(base, "STREAM ONE"));
            assertEquals(List.of(new NamedStreams.Stream("Stream One", 15)), NamedStreams.list(base));
            Stat st = s.stat();
            assertEquals(15, st.size());
            assertTrue(st.isRegular());
            assertEquals(base.stat().ino(), st.ino(), "the base file's id");
            try (FileChannel ch = s.channel(true)) {
                assertEquals(15, ch.size());
                ch.truncate(4);
                ByteBuffer b = ByteBuffer.allocate(10);
                assertEquals(4, ch.read(b, 0));
                assertEquals("test", new String(b.array(), 0, 4, StandardCharsets.US_ASCII));
            }
            assertEquals("base data", Files.readString(tmp.resolve("f")), "the file's own data are untouched");
            VfsException full = assertThrows(VfsException.class,
                    () -> s.write(ByteBuffer.allocate(10), 995), "over the stream's bound");
            assertEquals(Errno.ENOSPC, full.errno());
            s.close();
            assertTrue(NamedStreams.removeByName(vfs, "f:stream one"));
            try (Vfs.Handle again = vfs.open("f")) {
                assertEquals(List.of(), NamedStreams.list(again));
            }
            assertEquals(false, NamedStreams.removeByName(vfs, "f"), "no stream in the name");
        }
    }

    @Test
    void removeAllDropsEveryStreamButNotOtherXattrs() throws Exception {
        Files.writeString(tmp.resolve("g"), "x");
        try (PosixVfs vfs = new PosixVfs(tmp); Vfs.Handle base = vfs.open("g")) {
            for (String n : List.of("a", "b")) {
                NamedStreams.open(base, null, NamedStreams.parse("g:" + n), 100).create();
            }
            ExtendedAttributes.write(base, List.of(new ExtendedAttributes.Ea("EA", new byte[] {1})));
            assertEquals(2, NamedStreams.list(base).size());
            NamedStreams.removeAll(base);
            assertEquals(List.of(), NamedStreams.list(base));
            assertEquals(1, ExtendedAttributes.read(base).size());
        }
    }
}
