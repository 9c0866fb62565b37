package io.swrap.smb.smb2.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The peer-controlled inputs of Samba's test-only FSCTLs and how they are bounded. */
class SmbtortureFsctlTest {
    @Test
    void controlCodesAreSambas() {
        // libcli/smb/smb_constants.h: FSCTL_SMBTORTURE | FSCTL_ACCESS_WRITE | function | FSCTL_METHOD_NEITHER
        assertEquals(0x83848003, SmbtortureFsctl.FORCE_UNACKED_TIMEOUT);
        assertEquals(0x83848013, SmbtortureFsctl.IOCTL_RESPONSE_BODY_PADDING8);
        assertEquals(0x83848023, SmbtortureFsctl.GLOBAL_READ_RESPONSE_BODY_PADDING8);
        assertEquals(0x83848043, SmbtortureFsctl.FSP_ASYNC_SLEEP);
    }

    @Test
    void onlyTheAsyncSleepTakesAHandle() {
        assertTrue(SmbtortureFsctl.takesNoHandle(SmbtortureFsctl.IOCTL_RESPONSE_BODY_PADDING8));
        assertTrue(SmbtortureFsctl.takesNoHandle(SmbtortureFsctl.GLOBAL_READ_RESPONSE_BODY_PADDING8));
        assertTrue(SmbtortureFsctl.takesNoHandle(SmbtortureFsctl.FORCE_UNACKED_TIMEOUT));
        assertFalse(SmbtortureFsctl.takesNoHandle(SmbtortureFsctl.FSP_ASYNC_SLEEP));
        assertTrue(SmbtortureFsctl.handles(SmbtortureFsctl.FSP_ASYNC_SLEEP));
        // FSCTL_SMBTORTURE_GET_CTDB_PNN: a cluster control, not served
        assertFalse(SmbtortureFsctl.handles(0x83848083));
    }

    @Test
    void padding8OutputFillsMaxOutputResponseWithEights() {
        assertArrayEquals(new byte[] {8}, SmbtortureFsctl.padding8Output(1));
        assertEquals(0, SmbtortureFsctl.padding8Output(0).length);
    }

    @Test
    void padding8OutputIsCappedWhateverTheClientAllows() {
        assertEquals(SmbtortureFsctl.MAX_PADDING8_OUTPUT, SmbtortureFsctl.padding8Output(8 << 20).length);
        // MaxOutputResponse is a ULONG: 0xFFFFFFFF is 4 GiB, not -1
        assertEquals(SmbtortureFsctl.MAX_PADDING8_OUTPUT, SmbtortureFsctl.padding8Output(-1).length);
    }

    @Test
    void sleepIsTheInputByteInMillisecondsBounded() {
        assertEquals(200, SmbtortureFsctl.sleepMillis(200));
        assertEquals(0, SmbtortureFsctl.sleepMillis(0));
        assertEquals(SmbtortureFsctl.MAX_ASYNC_SLEEP_MS, SmbtortureFsctl.sleepMillis(0xFF));
        assertTrue(SmbtortureFsctl.sleepMillis(0x1FF) <= SmbtortureFsctl.MAX_ASYNC_SLEEP_MS);
    }
}
