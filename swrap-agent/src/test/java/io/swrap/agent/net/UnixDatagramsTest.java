package io.swrap.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.FileDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AF_UNIX datagrams through FFM between two real sockets: data, the sender's name, and the errno statuses. */
class UnixDatagramsTest {
    @TempDir
    Path dir;

    @Test
    void sendToANameAndReceiveTheSendersName() throws Exception {
        FileDescriptor a = UnixDatagrams.socket();
        FileDescriptor b = UnixDatagrams.socket();
        try {
            Path pa = dir.resolve("U0A0007");
            Path pb = dir.resolve("U151389");
            UnixSockets.bind(a, pa);
            UnixSockets.bind(b, pb);
            ByteBuffer out = ByteBuffer.allocateDirect(16).put("hello".getBytes(StandardCharsets.UTF_8)).flip();
            long sent = UnixDatagrams.sendTo(UnixSockets.fdVal(b), MemorySegment.ofBuffer(out).address(), 5,
                    bytes(pa), 0);
            assertEquals(5, sent);
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            long n = UnixDatagrams.receive(UnixSockets.fdVal(a), MemorySegment.ofBuffer(in).address(), 16);
            assertEquals(5, n);
            assertEquals(pb.toString(), UnixDatagrams.senderPath());
            assertEquals("hello", StandardCharsets.UTF_8.decode(in.limit(5)).toString());

            long missing = UnixDatagrams.sendTo(UnixSockets.fdVal(b), MemorySegment.ofBuffer(out).address(), 5,
                    bytes(dir.resolve("U0A0009")), 0);
            assertEquals(UnixDatagrams.ENOENT, UnixDatagrams.errnoOf(missing), "no file at the destination");
            long empty = UnixDatagrams.receive(UnixSockets.fdVal(a), MemorySegment.ofBuffer(in).address(), 16,
                    UnixDatagrams.MSG_DONTWAIT);
            assertEquals(UnixDatagrams.UNAVAILABLE, empty, "EAGAIN on an empty queue");
        } finally {
            UnixSockets.close(UnixSockets.fdVal(a));
            UnixSockets.close(UnixSockets.fdVal(b));
        }
    }

    @Test
    void theSendersNameIsParsedOnlyInsideTheDirectory() throws Exception {
        FileDescriptor a = UnixDatagrams.socket();
        FileDescriptor b = UnixDatagrams.socket();
        try {
            Path pa = dir.resolve("U0A0007");
            UnixSockets.bind(a, pa);
            UnixSockets.bind(b, dir.resolve("Y151389"));
            ByteBuffer buf = ByteBuffer.allocateDirect(4);
            long base = MemorySegment.ofBuffer(buf).address();
            UnixDatagrams.sendTo(UnixSockets.fdVal(b), base, 1, bytes(pa), 0);
            assertEquals(1, UnixDatagrams.receive(UnixSockets.fdVal(a), base, 4));
            byte[] prefix = (dir + "/").getBytes(StandardCharsets.UTF_8);
            assertEquals(new SocketName('Y', 21, 5001), UnixDatagrams.senderName(prefix));
            assertNull(UnixDatagrams.senderName((dir + "x/").getBytes(StandardCharsets.UTF_8)), "another directory");
        } finally {
            UnixSockets.close(UnixSockets.fdVal(a));
            UnixSockets.close(UnixSockets.fdVal(b));
        }
    }

    private static byte[] bytes(Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anUnnamedSenderHasNoPath() throws Exception {
        FileDescriptor a = UnixDatagrams.socket();
        FileDescriptor anon = UnixDatagrams.socket();
        try {
            Path pa = dir.resolve("U0A0007");
            UnixSockets.bind(a, pa);
            ByteBuffer buf = ByteBuffer.allocateDirect(4);
            UnixDatagrams.sendTo(UnixSockets.fdVal(anon), MemorySegment.ofBuffer(buf).address(), 1,
                    bytes(pa), 0);
            assertEquals(1, UnixDatagrams.receive(UnixSockets.fdVal(a), MemorySegment.ofBuffer(buf).address(), 4));
            assertNull(UnixDatagrams.senderPath());
        } finally {
            UnixSockets.close(UnixSockets.fdVal(a));
            UnixSockets.close(UnixSockets.fdVal(anon));
        }
    }
}
