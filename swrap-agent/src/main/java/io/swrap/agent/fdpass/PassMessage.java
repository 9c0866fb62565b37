package io.swrap.agent.fdpass;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a sender tells the receiver about the descriptors of one message: for each, the index of
 * its record in the shared table (-1 for a descriptor that is not a wrapped socket) and the
 * socket's inode, which the receiver checks against what it actually received.
 *
 * <pre>
 * offset size
 *      0    4 magic 0x53574650 ("SWFP")     4 4 version (1)
 *      8    4 sender pid                    12 4 count (descriptors before the memfd)
 *     16 16*n per descriptor: index:int, reserved:int, inode:long
 * </pre>
 * Native byte order: both ends run on one machine.
 *
 * @param sender  the sending process, whose in-flight references the receiver takes over
 * @param indexes per descriptor, its record index or -1
 * @param inodes  per descriptor, its socket inode or -1
 */
record PassMessage(int sender, int[] indexes, long[] inodes) {
    static final int MAGIC = 0x53574650;
    static final int VERSION = 1;
    private static final int HEADER = 16;
    private static final int ENTRY = 16;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY * indexes.length).order(ByteOrder.nativeOrder());
        b.putInt(MAGIC).putInt(VERSION).putInt(sender).putInt(indexes.length);
        for (int i = 0; i < indexes.length; i++) {
            b.putInt(indexes[i]).putInt(0).putLong(inodes[i]);
        }
        return b.array();
    }

    /** Decodes the message that came with {@code count} other descriptors, checking every field. */
    static PassMessage decode(byte[] bytes, int count) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        if (bytes.length < HEADER) {
            throw invalid("length: " + bytes.length + " (expected: at least " + HEADER + ")");
        }
        int magic = b.getInt();
        int version = b.getInt();
        int sender = b.getInt();
        int n = b.getInt();
        if (magic != MAGIC) {
            throw invalid("magic: 0x" + Integer.toHexString(magic) + " (expected: 0x" + Integer.toHexString(MAGIC) + ")");
        }
        if (version != VERSION) {
            throw invalid("version: " + version + " (expected: " + VERSION
                    + "); sender pid " + sender + " runs another swrap-agent version");
        }
        if (n != count || bytes.length != HEADER + ENTRY * n) {
            throw invalid("sender pid " + sender + " described " + n + " descriptors in " + bytes.length
                    + " bytes (expected: " + count + " in " + (HEADER + ENTRY * count) + ", as received)");
        }
        int[] indexes = new int[n];
        long[] inodes = new long[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = b.getInt();
            b.getInt();
            inodes[i] = b.getLong();
        }
        return new PassMessage(sender, indexes, inodes);
    }

    private static IOException invalid(String what) {
        return new IOException("swrap-agent: invalid fd-passing message: " + what);
    }
}
