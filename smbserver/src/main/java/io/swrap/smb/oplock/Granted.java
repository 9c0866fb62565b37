package io.swrap.smb.oplock;

/**
 * What a CREATE response carries: the OplockLevel and, for a lease, the lease's key, state, epoch
 * and whether a break of it is in progress (SMB2_LEASE_FLAG_BREAK_IN_PROGRESS).
 */
public record Granted(int level, byte[] leaseKey, int leaseState, int leaseVersion, int leaseEpoch,
        byte[] parentLeaseKey, boolean breakInProgress) {

    static Granted oplock(int level) {
        return new Granted(level, null, 0, 0, 0, null, false);
    }

    public boolean isLease() {
        return level == OplockLevel.LEASE;
    }

    /**
     * Whether an open holding this may be durable ([MS-SMB2] 3.3.5.9.6, 3.3.5.9.10): a batch oplock or a
     * lease that caches handles, the grants whose holder the server must ask before another open succeeds.
     */
    public boolean allowsDurability() {
        return level == OplockLevel.BATCH || isLease() && (leaseState & LeaseState.HANDLE) != 0;
    }
}
