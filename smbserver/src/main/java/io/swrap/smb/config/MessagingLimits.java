package io.swrap.smb.config;

/**
 * Messages between the worker processes of multi-process mode ({@link io.swrap.smb.ipc.Endpoint}):
 * {@code smbserver:ipc max message size} (bytes, 64..65536, default 4096: a datagram longer is refused by its
 * receiver and never sent by its sender), {@code smbserver:ipc max queued messages} (1..65536, default 4096:
 * messages waiting to be sent, and received messages handed to event loops but not yet run; beyond, a new
 * outgoing message is dropped and reported, and the receiver stops reading so that its senders' queues fill),
 * {@code smbserver:ipc send timeout} (milliseconds, 10..60000, default 5000: how long a message may wait for a
 * worker whose receive queue is full before it is dropped and reported).
 *
 * <p>4096 bytes: the largest message, a lease break, is 88 bytes; the limit leaves room for new types without
 * letting one datagram pin much memory. 4096 queued: one per pending break or wake-up, far above what the
 * opens of one worker produce at once.
 */
public record MessagingLimits(int maxMessageSize, int maxQueued, java.time.Duration sendTimeout) {
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4096;
    public static final int MIN_MAX_MESSAGE_SIZE = 64;
    public static final int MAX_MAX_MESSAGE_SIZE = 65536;
    public static final int DEFAULT_MAX_QUEUED = 4096;
    public static final int MAX_MAX_QUEUED = 65536;
    public static final int DEFAULT_SEND_TIMEOUT_MILLIS = 5000;
    public static final MessagingLimits DEFAULTS = new MessagingLimits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_QUEUED,
            java.time.Duration.ofMillis(DEFAULT_SEND_TIMEOUT_MILLIS));
}
