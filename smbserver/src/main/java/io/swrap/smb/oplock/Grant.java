package io.swrap.smb.oplock;

/**
 * One open's entry in the table: its oplock level (Open.OplockLevel / Open.OplockState of [MS-SMB2]
 * 3.3.1.10), or the lease it belongs to. Guarded by the {@link Oplocks} table's lock.
 */
final class Grant {
    final io.swrap.smb.filestate.OwnerId owner;
    final FileOplocks file;
    final Lease lease;
    int level;
    /** The level an oplock break awaiting its acknowledgment goes to, or -1. */
    int breakingTo = -1;
    long breakStarted;

    Grant(io.swrap.smb.filestate.OwnerId owner, FileOplocks file, int level, Lease lease) {
        this.owner = owner;
        this.file = file;
        this.level = level;
        this.lease = lease;
    }
}
