package io.swrap.agent.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advised class cache with real JDK class files. */
class AdvisedClassCacheTest {
    @TempDir
    Path root;

    private static byte[] jdkClass(String name) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void jdkNameBecomesAFileNamePart() {
        assertEquals("Eclipse_Adoptium-25.0.3+9-LTS", AdvisedClassCache.fileNamePart("Eclipse Adoptium-25.0.3+9-LTS"));
        assertEquals("a_b_c_d.e", AdvisedClassCache.fileNamePart("a/b\\c:d.e"));
        assertEquals("", AdvisedClassCache.fileNamePart(""));
    }

    @Test
    void storedEntryIsFoundForTheSameClassFileOnly() throws IOException {
        byte[] net = jdkClass("java.net.InetAddress");
        byte[] advised = jdkClass("java.net.Inet4Address"); // any other bytes stand for the advised class
        AdvisedClassCache cache = AdvisedClassCache.open(root, "agent-1-1");
        assertNull(cache.lookup("java.net.InetAddress", net));
        cache.store("java.net.InetAddress", net, advised);
        assertArrayEquals(advised, AdvisedClassCache.open(root, "agent-1-1").lookup("java.net.InetAddress", net));

        byte[] changed = net.clone();
        changed[changed.length - 1] ^= 1;
        assertNull(cache.lookup("java.net.InetAddress", changed), "another class file must miss");
        assertNull(AdvisedClassCache.open(root, "agent-2-2").lookup("java.net.InetAddress", net),
                "another agent build must miss");
    }

    @Test
    void preloadedEntriesAreFoundWithoutTheirFiles() throws IOException {
        byte[] net = jdkClass("java.net.InetAddress");
        byte[] advised = jdkClass("java.net.Inet4Address");
        AdvisedClassCache.open(root, "agent-1-1").store("java.net.InetAddress", net, advised);
        AdvisedClassCache cache = AdvisedClassCache.open(root, "agent-1-1");
        assertEquals(Set.of("java.net.InetAddress"),
                cache.preload(List.of("java.net.InetAddress", "java.net.NetworkInterface")));
        // a class loading later, in any thread, is served from memory: the files may be gone by then
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.toList();
        }
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
        }
        assertArrayEquals(advised, cache.lookup("java.net.InetAddress", net));
        byte[] changed = net.clone();
        changed[changed.length - 1] ^= 1;
        assertNull(cache.lookup("java.net.InetAddress", changed), "another class file must miss");
        assertEquals(Set.of(), AdvisedClassCache.open(root, "agent-2-2").preload(List.of("java.net.InetAddress")),
                "another agent build has no entries");
    }

    @Test
    void directoryWritableByOthersIsNotUsed() throws IOException {
        byte[] net = jdkClass("java.net.InetAddress");
        AdvisedClassCache.open(root, "agent-1-1").store("java.net.InetAddress", net, net);
        Path dir;
        try (Stream<Path> s = Files.list(root)) {
            dir = s.findFirst().orElseThrow();
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(AdvisedClassCache.open(root, "agent-1-1").lookup("java.net.InetAddress", net));
    }

    @Test
    void keyIgnoresTheOrderOfMethodsOnly() throws IOException {
        byte[] original = jdkClass("java.net.InetAddress");
        byte[] permuted = reverseMethods(original);
        assertNotEquals(ByteBuffer.wrap(original), ByteBuffer.wrap(permuted));
        assertArrayEquals(ClassFileKey.of(original), ClassFileKey.of(permuted));
        assertEquals(original.length, ClassFileKey.of(original).length);
        byte[] changed = original.clone();
        changed[changed.length - 1] ^= 1;
        assertNotEquals(ByteBuffer.wrap(ClassFileKey.of(original)), ByteBuffer.wrap(ClassFileKey.of(changed)));
    }

    /** The class file with its method_info entries in reverse order (parsed as the JVM spec says). */
    private static byte[] reverseMethods(byte[] c) {
        ByteBuffer b = ByteBuffer.wrap(c);
        b.position(8);
        int count = b.getShort() & 0xffff;
        for (int i = 1; i < count; i++) {
            int tag = b.get();
            switch (tag) {
                case 1 -> ClassFileKey.skip(b, b.getShort() & 0xffff);
                case 7, 8, 16, 19, 20 -> b.position(b.position() + 2);
                case 15 -> b.position(b.position() + 3);
                case 5, 6 -> {
                    b.position(b.position() + 8);
                    i++;
                }
                default -> b.position(b.position() + 4);
            }
        }
        b.position(b.position() + 6);
        ClassFileKey.skip(b, 2 * (b.getShort() & 0xffff));
        int fields = b.getShort() & 0xffff;
        for (int i = 0; i < fields; i++) {
            ClassFileKey.skipMember(b);
        }
        int methodsAt = b.position();
        int methods = b.getShort() & 0xffff;
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < methods; i++) {
            int start = b.position();
            ClassFileKey.skipMember(b);
            byte[] e = new byte[b.position() - start];
            System.arraycopy(c, start, e, 0, e.length);
            entries.add(e);
        }
        Collections.reverse(entries);
        ByteBuffer out = ByteBuffer.allocate(c.length);
        out.put(c, 0, methodsAt + 2);
        entries.forEach(out::put);
        out.put(c, b.position(), c.length - b.position());
        return out.array();
    }
}
