package io.swrap.smb.smb2.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The payloads of DURABLE_CLAIM ({@link DurableClaim}) and of a DURABLE_ANSWER handing over ({@link DurableHandoff}). */
class DurableHandoverCodecTest {
    private static byte[] bytes(int first) {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) first);
        return b;
    }

    @Test
    void aClaimSurvivesEncodingAndDecodingWithAndWithoutLeaseKey() {
        DurableClaim leased = new DurableClaim(true, bytes(1), "user1", "share", "00112233445566778899aabbccddeeff",
                bytes(2), "dir\\f\u00e9.txt");
        DurableClaim back = DurableClaim.decode(leased.encode());
        assertEquals(true, back.v2());
        assertArrayEquals(bytes(1), back.createGuid());
        assertArrayEquals(bytes(2), back.leaseKey());
        assertEquals(java.util.List.of("user1", "share", "00112233445566778899aabbccddeeff", "dir\\f\u00e9.txt"),
                java.util.List.of(back.user(), back.share(), back.clientGuid(), back.name()));
        DurableClaim v1 = DurableClaim.decode(new DurableClaim(false, null, "u", "s", null, null, "n").encode());
        assertArrayEquals(new byte[16], v1.createGuid(), "a DHnC claims with the zero CreateGuid");
        assertNull(v1.leaseKey());
        assertNull(v1.clientGuid(), "a 2.0.2 connection has no ClientGuid");
    }

    @Test
    void malformedClaimsAreRefusedSayingWhy() {
        byte[] ok = new DurableClaim(false, null, "u", "s", null, null, "n").encode();
        assertEquals("durable claim ends early (" + (ok.length - 1) + " bytes)", assertThrows(
                IllegalArgumentException.class, () -> DurableClaim.decode(Arrays.copyOf(ok, ok.length - 1)))
                .getMessage());
        assertEquals("1 bytes after the name", assertThrows(IllegalArgumentException.class,
                () -> DurableClaim.decode(Arrays.copyOf(ok, ok.length + 1))).getMessage());
        byte[] flags = ok.clone();
        flags[0] = 8;
        assertEquals("flags 0x8 (expected: 0..3)", assertThrows(IllegalArgumentException.class,
                () -> DurableClaim.decode(flags)).getMessage());
    }

    @Test
    void aHandoffSurvivesEncodingAndDecoding() {
        DurableHandoff h = new DurableHandoff("dir/f.txt", false, 0x12019f, 0x801, 4711, -2, 3, 0x0100000000000005L,
                11, 4096, 2, true, true, 300_000, "00112233445566778899aabbccddeeff", bytes(3), bytes(4));
        DurableHandoff back = DurableHandoff.decode(h.encode());
        assertEquals(h.rel(), back.rel());
        assertEquals(java.util.List.of(0x801L, 4711L, -2L, 3L, 0x0100000000000005L, 11L, 4096L),
                java.util.List.of(back.dev(), back.ino(), back.guidHi(), back.guidLo(), back.fileId(),
                        back.position(), back.allocation()));
        assertEquals(java.util.List.of(0x12019f, 2, 300_000), java.util.List.of(back.access(), back.createAction(),
                back.timeoutMs()));
        assertEquals(java.util.List.of(false, true, true), java.util.List.of(back.directory(), back.deleteOnClose(),
                back.v2()));
        assertArrayEquals(bytes(3), back.createGuid());
        assertArrayEquals(bytes(4), back.appInstanceId());
        DurableHandoff bare = DurableHandoff.decode(new DurableHandoff("", true, 1, 1, 1, 0, 0, 1, 0, 0, 1, false,
                false, 60_000, null, null, null).encode());
        assertNull(bare.createGuid());
        assertNull(bare.appInstanceId());
        assertNull(bare.clientGuid());
        byte[] bad = h.encode();
        bad[0] = 2;
        assertEquals("directory flag 2 (expected: 0 or 1)", assertThrows(IllegalArgumentException.class,
                () -> DurableHandoff.decode(bad)).getMessage());
    }
}
