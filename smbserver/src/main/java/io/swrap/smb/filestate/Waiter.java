package io.swrap.smb.filestate;

/**
 * A request waiting on a file (a blocking lock, a CREATE waiting for break acknowledgments), as a record keeps
 * it: the server process ({@code pid}) and its worker (event loop) that parked the continuation with the
 * {@link Messenger}, and the ticket there. Tickets are numbered per process.
 */
public record Waiter(long pid, int worker, long ticket) {
    /** A waiter parked in this process. */
    public Waiter(int worker, long ticket) {
        this(OwnerId.SELF_PID, worker, ticket);
    }
}
