package io.swrap.smb.oplock;

/**
 * What a CREATE asks for: RequestedOplockLevel, or (with {@code level} LEASE) a lease from the RqLs
 * context ([MS-SMB2] 2.2.13.2.8 v1, 2.2.13.2.10 v2), and the facts of the open that decide breaks.
 *
 * @param clientGuid the connection's ClientGuid in hex; null for 2.0.2, which has no leases
 * @param statOpen   attribute and SYNCHRONIZE access only: such an open breaks no oplock and gets none
 * @param leaseStatOpen the same with READ_CONTROL too: such an open breaks no lease (Windows and Samba draw
 *                   the line there for leases; smb2.lease.statopen4, smb2.oplock.statopen1)
 * @param overwrite  OVERWRITE, OVERWRITE_IF or SUPERSEDE of an existing file: breaks everything to none
 */
public record OplockRequest(String clientGuid, int level, byte[] leaseKey, int leaseState, int leaseVersion,
        int leaseEpoch, byte[] parentLeaseKey, boolean statOpen, boolean leaseStatOpen, boolean overwrite,
        boolean directory) {

    boolean isLease() {
        return level == OplockLevel.LEASE && leaseKey != null && clientGuid != null;
    }
}
