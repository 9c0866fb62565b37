package io.swrap.agent.hooks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A class file with its methods in a fixed order. The JVM rebuilds the class file it hands a
 * retransforming agent from its own structures, and for some classes lists the methods in another
 * order at each start; everything else (constant pool, fields, code) comes out the same. Two class
 * files with the same key are the same class, so advice made for one fits the other.
 */
final class ClassFileKey {
    /** Methods in byte order. */
    private static final Comparator<byte[]> BYTES = new Comparator<>() {
        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compare(a, b);
        }
    };

    private ClassFileKey() {
    }

    /** The class file with its method_info entries sorted; the file itself if it cannot be parsed. */
    static byte[] of(byte[] classFile) {
        try {
            ByteBuffer b = ByteBuffer.wrap(classFile);
            b.position(8);
            int count = b.getShort() & 0xffff;
            for (int i = 1; i < count; i++) {
                int tag = b.get();
                switch (tag) {
                    case 1 -> skip(b, b.getShort() & 0xffff);
                    case 7, 8, 16, 19, 20 -> b.position(b.position() + 2);
                    case 15 -> b.position(b.position() + 3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> b.position(b.position() + 4);
                    case 5, 6 -> {
                        b.position(b.position() + 8);
                        i++;
                    }
                    default -> {
                        return classFile;
                    }
                }
            }
            b.position(b.position() + 6);
            skip(b, 2 * (b.getShort() & 0xffff));
            skipMembers(b);
            int methodsStart = b.position();
            int methods = b.getShort() & 0xffff;
            List<byte[]> entries = new ArrayList<>(methods);
            for (int i = 0; i < methods; i++) {
                int start = b.position();
                skipMember(b);
                entries.add(Arrays.copyOfRange(classFile, start, b.position()));
            }
            entries.sort(BYTES); // not Arrays::compare: a method reference spins a class before main
            ByteArrayOutputStream out = new ByteArrayOutputStream(classFile.length);
            out.write(classFile, 0, methodsStart + 2);
            for (byte[] e : entries) {
                out.write(e, 0, e.length);
            }
            out.write(classFile, b.position(), classFile.length - b.position());
            return out.toByteArray();
        } catch (RuntimeException e) {
            // malformed or truncated: compared as it is
            return classFile;
        }
    }

    private static void skipMembers(ByteBuffer b) {
        int n = b.getShort() & 0xffff;
        for (int i = 0; i < n; i++) {
            skipMember(b);
        }
    }

    /** Skips {@code n} bytes; the argument is read before the position is (a length field moves it). */
    static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }

    /** Skips one field_info or method_info (also used by the cache's test to reorder methods). */
    static void skipMember(ByteBuffer b) {
        b.position(b.position() + 6);
        int attributes = b.getShort() & 0xffff;
        for (int a = 0; a < attributes; a++) {
            b.position(b.position() + 2);
            skip(b, b.getInt());
        }
    }
}
