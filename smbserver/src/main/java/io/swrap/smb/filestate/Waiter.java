package io.swrap.smb.filestate;

/**
 * A request waiting on a file (a blocking lock, a CREATE waiting for break acknowledgments), as a record keeps
 * it: the process (pid) and its worker (event loop) that parked the continuation with the {@link Messenger}, and
 * the ticket there. Values only, so that a record in memory shared by worker processes can name a waiter of
 * another process; the pid is where the {@link Messenger} sends its wake-up.
 */
public record Waiter(long pid, int worker, long ticket) {
}
