package io.swrap.smb.filestate;

/**
 * A request waiting on a file (a blocking lock, a CREATE waiting for break acknowledgments), as a record keeps
 * it: the worker (event loop) that parked its continuation with the {@link Messenger}, and the ticket there.
 */
public record Waiter(int worker, long ticket) {
}
