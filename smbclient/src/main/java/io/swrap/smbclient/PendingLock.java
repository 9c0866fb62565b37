package io.swrap.smbclient;

import io.swrap.smb.smb2.codec.Smb2Command;
import java.util.concurrent.CompletableFuture;

/** A LOCK sent by {@link Open#lockAsync}: its final status to come, and its CANCEL ([MS-SMB2] 3.2.4.24). */
public final class PendingLock {
    private final Tree tree;
    private final Session.Pending pending;
    private final CompletableFuture<Integer> status;

    PendingLock(Tree tree, Session.Pending pending) {
        this.tree = tree;
        this.pending = pending;
        this.status = pending.response().thenApply(Response::status);
    }

    /** The final NTSTATUS of the LOCK. */
    public CompletableFuture<Integer> status() {
        return status;
    }

    /** Sends a CANCEL for it unless it has completed; the LOCK then ends with STATUS_CANCELLED if it still waited. */
    public void cancel() {
        pending.channel().connection.cancel(pending.response(), tree.request(Smb2Command.CANCEL));
    }
}
