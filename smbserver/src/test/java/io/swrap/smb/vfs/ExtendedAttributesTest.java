package io.swrap.smb.vfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.vfs.posix.PosixVfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendedAttributesTest {
    @TempDir
    Path tmp;

    private static ExtendedAttributes.Ea ea(String name, String value) {
        return new ExtendedAttributes.Ea(name, value.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aListRoundTripsThroughTheFilesXattrs() throws Exception {
        Files.writeString(tmp.resolve("f"), "x");
        try (PosixVfs vfs = new PosixVfs(tmp); Vfs.Handle h = vfs.open("f")) {
            byte[] list = ExtendedAttributes.encode(List.of(ea("EAONE", "VALUE12"), ea("SecondEA", "ValueTwo")));
            assertEquals(24, list[0], "NextEntryOffset: the 21-byte first entry padded to 4 bytes");
            ExtendedAttributes.write(h, ExtendedAttributes.parse(list));
            List<ExtendedAttributes.Ea> back = ExtendedAttributes.read(h);
            assertEquals(List.of("EAONE", "SECONDEA"), back.stream().map(ExtendedAttributes.Ea::name).sorted().toList(),
                    "names upper-cased as NTFS keeps them");
            assertEquals(24 + 25, ExtendedAttributes.size(h), "EaSize: the list's bytes, the first entry padded");
            assertEquals(49, FileInfo.of(h).eaSize());
            ExtendedAttributes.write(h, List.of(ea("eaone", "")));
            assertEquals(1, ExtendedAttributes.read(h).size(), "an empty value removes the EA");
            assertEquals(8 + 8 + 1 + 8, ExtendedAttributes.size(h), "the last entry is not padded");
            assertArrayEquals("ValueTwo".getBytes(StandardCharsets.US_ASCII), ExtendedAttributes.read(h).get(0).value());
        }
    }

    @Test
    void aFileWithoutEasHasEaSizeZero() throws Exception {
        Files.writeString(tmp.resolve("plain"), "x");
        try (PosixVfs vfs = new PosixVfs(tmp); Vfs.Handle h = vfs.open("plain")) {
            StoredInfo.created(h, FileInfo.ATTR_HIDDEN, false); // the server's own xattrs are no EAs
            assertEquals(0, FileInfo.of(h).eaSize());
        }
    }

    @Test
    void malformedListsAreInvalidParameter() {
        byte[] good = ExtendedAttributes.encode(List.of(ea("A", "1"), ea("B", "2")));
        byte[] next = good.clone();
        next[0] = (byte) 0xF0; // NextEntryOffset beyond the buffer
        byte[] value = Arrays.copyOf(good, good.length);
        value[6] = (byte) 0xFF; // EaValueLength beyond its entry
        byte[] name = ExtendedAttributes.encode(List.of(ea("A:B", "1")));
        for (byte[] bad : new byte[][] {next, value, Arrays.copyOf(good, 7), name,
            new byte[ExtendedAttributes.MAX_LIST + 1]}) {
            assertEquals(NtStatus.INVALID_PARAMETER,
                    assertThrows(Smb2Exception.class, () -> ExtendedAttributes.parse(bad)).status());
        }
    }
}
