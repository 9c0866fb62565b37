package io.swrap.smb.ipc;

/**
 * What a message asks its receiver to do, as a wire value. The ids and payload of each type are defined by
 * the code that sends and handles it; the codec only checks their bounds.
 */
public enum MessageType {
    /** Wake a parked request: ids = event loop number, ticket ({@link io.swrap.smb.filestate.Messenger}). */
    WAKE(1),
    /** Deliver an oplock break to one open's client: ids = owner and level ({@code oplock.BreakMessages}). */
    OPLOCK_BREAK(2),
    /** Deliver a lease break to a client: ids = ClientGuid and states, payload = lease key. */
    LEASE_BREAK(3),
    /** Changes (or a delete-pending directory) for the watches of change notification ({@code vfs.NotifyMessages}). */
    NOTIFY(4),
    /**
     * End a session that a logon of another worker names as its PreviousSessionId, then wake that logon:
     * ids = SessionId, the waiter's event loop number and ticket ({@code smb2.handler.PreviousSessions}).
     */
    SESSION_CLOSE(5),
    /**
     * A durable reconnect asks the other workers for the disconnected durable open it names: ids = persistent
     * FileId, the claim's ticket; payload = what the holder checks ({@code smb2.handler.DurableClaim}).
     */
    DURABLE_CLAIM(6),
    /**
     * A worker's answer to a DURABLE_CLAIM: ids = the claim's ticket, the outcome (handed over, refused with an
     * NTSTATUS, or not held here); payload = what the claimant rebuilds the open from, or why it was refused.
     */
    DURABLE_ANSWER(7),
    /**
     * A CREATE with an AppInstanceId asks the other workers to close the same user's opens of that instance on its
     * name and share: ids = ticket; payload = AppInstanceId, user, share, name, ClientGuid
     * ({@code smb2.handler.AppInstanceWorkers}).
     */
    APP_INSTANCE_CLOSE(8),
    /** A worker closed what an APP_INSTANCE_CLOSE named: ids = ticket, the number of opens it closed. */
    APP_INSTANCE_CLOSED(9);

    private final int wire;

    MessageType(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The type of wire value {@code v}, or null for one this version does not know. */
    public static MessageType of(int v) {
        for (MessageType t : values()) {
            if (t.wire == v) {
                return t;
            }
        }
        return null;
    }
}
