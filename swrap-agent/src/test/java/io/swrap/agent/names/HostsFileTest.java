package io.swrap.agent.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileTest {
    @TempDir
    Path dir;

    private HostsFile file(String text) throws IOException {
        return new HostsFile(Files.writeString(dir.resolve("hosts"), text));
    }

    @Test
    void cnameChainsEndAndLoopsStop() throws Exception {
        HostsFile f = file("""
                CNAME a.example b.example
                CNAME b.example c.example.
                A c.example 127.0.0.13
                CNAME loop1.example loop2.example
                CNAME loop2.example loop1.example
                """);
        assertEquals(List.of(InetAddress.getByAddress("a.example", new byte[] {127, 0, 0, 13})), f.addresses("a.example"));
        assertEquals(List.of(), f.addresses("loop1.example"));
    }

    @Test
    void badLinesAndUnknownTypesAreSkipped() throws Exception {
        HostsFile f = file("""
                # a comment
                A onlytwo
                WKS x.example 1
                A bad.example 300.1.2.3
                AAAA bad6.example 127.0.0.1
                A good.example 127.0.0.12
                """);
        assertEquals(1, f.addresses("good.example").size());
        assertEquals(List.of(), f.addresses("bad.example"));
        assertEquals(List.of(), f.addresses("bad6.example"));
        assertEquals(List.of(), f.addresses("x.example"));
    }

    @Test
    void reverseNamesAsResolvWrapperKeysThem() throws Exception {
        assertEquals("11.0.0.127.in-addr.arpa", HostsFile.reverseName(InetAddress.getByName("127.0.0.11")));
        assertEquals("b.0.f.5.7.5.3.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa",
                HostsFile.reverseName(InetAddress.getByName("fd00::5357:5f0b")));
        HostsFile f = file("PTR 11.0.0.127.in-addr.arpa. Named.Example.\nA other.example 127.0.0.12\n");
        assertEquals("Named.Example", f.nameOf(InetAddress.getByName("127.0.0.11")));
        assertEquals("other.example", f.nameOf(InetAddress.getByName("127.0.0.12")));
        assertNull(f.nameOf(InetAddress.getByName("127.0.0.13")));
    }

    @Test
    void oversizedFileIsRefusedWithTheLimit() throws Exception {
        Path big = dir.resolve("big");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[(int) HostsFile.MAX_BYTES + 1]);
        }
        IOException e = assertThrows(IOException.class, () -> new HostsFile(big).addresses("x"));
        assertTrue(e.getMessage().contains("limit " + HostsFile.MAX_BYTES), e.getMessage());
    }
}
