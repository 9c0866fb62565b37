package io.swrap.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SocketNameTest {
    @Test
    void formatsAsCSocketWrapper() {
        assertEquals("T0B01BD", new SocketName('T', 11, 445).fileName());
        assertEquals("X400000", new SocketName('X', 64, 0).fileName());
        assertEquals("U01FFFF", new SocketName('U', 1, 65535).fileName());
    }

    @Test
    void parsesNamesAndPaths() {
        assertEquals(new SocketName('T', 11, 445), SocketName.parse("/tmp/sw/T0B01BD"));
        assertEquals(new SocketName('Y', 21, 5001), SocketName.parse("Y151389"));
        assertEquals(new SocketName('T', 10, 7), SocketName.parse("t0a0007".replace('t', 'T')));
    }

    @Test
    void rejectsWhatCRejects() {
        assertNull(SocketName.parse(null));
        assertNull(SocketName.parse("/tmp/sw/"));
        assertNull(SocketName.parse("T0001BD"), "interface 0");
        assertNull(SocketName.parse("T4101BD"), "interface 65");
        assertNull(SocketName.parse("Q0B01BD"), "unknown type");
        assertNull(SocketName.parse("T0B01BG"), "not hex");
        assertNull(SocketName.parse("T0B01BDD"), "too long");
        assertNull(SocketName.parse("swrap.table"));
    }

    @Test
    void constructorNamesTheBadField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SocketName('T', 65, 1));
        assertEquals("iface: 65 (expected: 1..64)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SocketName('T', 1, 70000));
        assertEquals("port: 70000 (expected: 0..65535)", e.getMessage());
    }
}
