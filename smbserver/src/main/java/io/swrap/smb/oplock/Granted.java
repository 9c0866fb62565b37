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
}
