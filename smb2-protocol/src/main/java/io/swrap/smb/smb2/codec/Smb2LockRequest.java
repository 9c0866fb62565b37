package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 2.2.26 SMB2 LOCK Request: StructureSize (2) = 48, LockCount (2), LockSequenceNumber/Index (4),
 * FileId (16), Locks: SMB2_LOCK_ELEMENT (Offset (8), Length (8), Flags (4), Reserved (4)) x LockCount.
 */
public record Smb2LockRequest(Smb2FileId fileId, List<Element> locks, int lockSequence) {
    public static final int SHARED_LOCK = 0x1;
    public static final int EXCLUSIVE_LOCK = 0x2;
    public static final int UNLOCK = 0x4;
    public static final int FAIL_IMMEDIATELY = 0x10;
    /**
     * Elements accepted in one request. [MS-SMB2] allows 65535; every element is checked against the file's
     * locks, so a request is capped to keep its work small (clients send one element, or a handful).
     */
    public static final int MAX_ELEMENTS = 1024;

    /** LockSequenceNumber: the low 4 bits of the field. */
    public int lockSequenceNumber() {
        return lockSequence & 0xF;
    }

    /** LockSequenceIndex: the upper 28 bits; 1..64 name an entry of Open.LockSequenceArray, others none. */
    public int lockSequenceIndex() {
        return lockSequence >>> 4;
    }

    /** One SMB2_LOCK_ELEMENT. */
    public record Element(long offset, long length, int flags) {
    }

    public static Smb2LockRequest decode(Smb2Request req) throws Smb2Exception {
        req.checkBody(48, 48);
        ByteBuf m = req.content();
        int b = Smb2Header.SIZE;
        int count = m.getUnsignedShortLE(b + 2);
        if (count == 0) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "LOCK with LockCount 0");
        }
        if (count > MAX_ELEMENTS) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "LOCK with LockCount " + count + " (this server accepts"
                    + " at most " + MAX_ELEMENTS + " elements per request: send the locks in several requests)");
        }
        req.checkRange(b + 24, count * 24L, "Locks");
        List<Element> locks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int p = b + 24 + 24 * i;
            locks.add(new Element(m.getLongLE(p), m.getLongLE(p + 8), m.getIntLE(p + 16)));
        }
        return new Smb2LockRequest(Smb2FileId.read(m, b + 8), locks, m.getIntLE(b + 4));
    }
}
