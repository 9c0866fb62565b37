package io.swrap.smb.smb2.codec;

/**
 * [MS-SMB2] 2.2.24 SMB2 OPLOCK_BREAK Acknowledgment, told apart by StructureSize: 2.2.24.1 Oplock Break
 * Acknowledgment (24: OplockLevel (1), Reserved (1), Reserved2 (4), FileId (16)) or 2.2.24.2 Lease
 * Break Acknowledgment (36: Reserved (2), Flags (4), LeaseKey (16), LeaseState (4), LeaseDuration (8)).
 */
public record Smb2OplockBreakRequest(boolean lease, int oplockLevel, Smb2FileId fileId, byte[] leaseKey,
        int leaseState) {
    public static Smb2OplockBreakRequest decode(Smb2Request req) throws Smb2Exception {
        int b = Smb2Header.SIZE;
        int size = req.content().readableBytes() >= b + 2 ? req.content().getUnsignedShortLE(b) : -1;
        if (size == 24 && req.content().readableBytes() >= b + 24) {
            return new Smb2OplockBreakRequest(false, req.content().getUnsignedByte(b + 2),
                    Smb2FileId.read(req.content(), b + 8), null, 0);
        }
        if (size != 36 || req.content().readableBytes() < b + 36) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "OPLOCK_BREAK StructureSize " + size
                    + " with " + (req.content().readableBytes() - b) + " body bytes (expected: 24, or 36 for a lease)");
        }
        byte[] key = new byte[16];
        req.content().getBytes(b + 8, key);
        return new Smb2OplockBreakRequest(true, 0, null, key, req.content().getIntLE(b + 24));
    }
}
