package io.swrap.smb.state;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2FileId;

/**
 * A connection's related compound chain ([MS-SMB2] 3.3.5.2.7.2): the FileId the all-ones FileId of a related
 * request stands for, and the status a failed CREATE (or a chain that wrongly starts with a related request)
 * passes on to the later related members. Touched only on the connection's event loop.
 */
public final class CompoundChain {
    private long persistent = -1;
    private long volatileId = -1;
    private int status = NtStatus.SUCCESS;
    /** Whether the previous request was the last of its frame, so the next one starts a chain. */
    private boolean ended = true;

    /**
     * A request arrives; an unrelated one, or the first of a frame, starts the chain afresh. Returns whether it
     * is the first of its frame.
     */
    public boolean begin(boolean related, boolean lastInChain) {
        boolean start = ended;
        ended = lastInChain;
        if (!related || start) {
            persistent = -1;
            volatileId = -1;
            status = NtStatus.SUCCESS;
        }
        return start;
    }

    /** Whether the previous request was the last of its frame: a request that is last too comes alone. */
    public boolean ended() {
        return ended;
    }

    /** The open a CREATE made, or a request used: what a later related request's all-ones FileId means. */
    public void use(long persistentId, long volatileFileId) {
        this.persistent = persistentId;
        this.volatileId = volatileFileId;
    }

    public Smb2FileId fileId() {
        return new Smb2FileId(persistent, volatileId);
    }

    /** The status the later related members inherit (SUCCESS: none). */
    public void fail(int s) {
        this.status = s;
    }

    public int status() {
        return status;
    }
}
