package io.swrap.smb.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers' GlobalSessionTable: two mappings of one file, as two workers have. */
class SharedSessionsTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static SessionGlobal session(long id, String user) {
        return new SessionGlobal(id, 0x311, 2, Smb2Signer.AES_GMAC, KEY, user, null);
    }

    @Test
    void aSessionPutByOneMappingIsSeenByAnotherWithoutItsObjectAndGoesAtRemove() throws Exception {
        try (SharedSessions a = SharedSessions.open(dir, 16); SharedSessions b = SharedSessions.open(dir, 16)) {
            a.put(session(0x0200_4014_0000_0011L, "Üser"));
            SessionGlobal g = b.get(0x0200_4014_0000_0011L);
            assertEquals(0x311, g.dialect());
            assertEquals(2, g.cipherId());
            assertEquals(Smb2Signer.AES_GMAC, g.signingAlgorithm());
            assertArrayEquals(KEY, g.signingKey());
            assertEquals("Üser", g.user());
            assertEquals(OwnerId.SELF_PID, g.ownerPid());
            assertTrue(g.foreign());
            a.put(session(0x0200_4014_0000_0011L, "other")); // a re-authentication replaces the record
            assertEquals("other", b.get(0x0200_4014_0000_0011L).user());
            assertEquals(1, b.size());
            b.remove(0x0200_4014_0000_0011L);
            assertNull(a.get(0x0200_4014_0000_0011L));
            assertNull(a.get(42));
        }
    }

    @Test
    void aFullTableKeepsWhatItHoldsAndADeadProcessesSessionsArePurged() throws Exception {
        try (SharedSessions t = SharedSessions.open(dir, 2)) {
            t.put(session(1, "u"));
            t.put(session(2, "u"));
            t.put(session(3, "u")); // beyond smbserver:prefork max sessions: logged, not shared
            assertNull(t.get(3));
            assertEquals(2, t.size());
            assertEquals(0, t.purgeProcess(OwnerId.SELF_PID + 1));
            assertEquals(2, t.purgeProcess(OwnerId.SELF_PID));
            assertEquals(0, t.size());
        }
    }

    @Test
    void aUserNameTooLongForARecordIsNotShared() throws Exception {
        try (SharedSessions t = SharedSessions.open(dir, 4)) {
            t.put(session(7, "u".repeat(SharedSessions.MAX_USER_BYTES + 1)));
            assertNull(t.get(7));
        }
    }
}
