package io.swrap.smb.oplock;

/**
 * A break the table decided on, for the SMB2 layer to deliver: an oplock break to one open's session
 * ([MS-SMB2] 2.2.23.1) or a lease break to a client ([MS-SMB2] 2.2.23.2).
 */
public sealed interface BreakNotice {
    /** Whether the holder must acknowledge it; until then opens that conflict wait. */
    boolean ackRequired();

    /** Break {@code owner}'s (an open's) oplock to {@code level}. */
    record Oplock(io.swrap.smb.filestate.OwnerId owner, int level, boolean ackRequired) implements BreakNotice {
    }

    /** Break {@code lease} from {@code from} to {@code to}; {@code epoch} is NewEpoch (0 for v1). */
    record LeaseBreak(String clientGuid, byte[] key, int version, int from, int to, int epoch, boolean ackRequired)
            implements BreakNotice {
    }
}
