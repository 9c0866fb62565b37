package io.swrap.smb.config;

/**
 * Messages between the worker processes of multi-process mode ({@link io.swrap.smb.ipc.Endpoint}):
 * {@code smbserver:ipc max message size} (bytes, 64..65536, default 16384: a datagram longer is refused by its
 * receiver and never sent by its sender), {@code smbserver:ipc max queued messages} (1..65536, default 4096:
 * messages waiting to be sent, and received messages handed to event loops but not yet run; beyond, a new
 * outgoing message is dropped and reported, and the receiver stops reading so that its senders' queues fill),
 * {@code smbserver:ipc send timeout} (milliseconds, 10..60000, default 5000: how long a message may wait for a
 * worker whose receive queue is full before it is dropped and reported).
 *
 * <p>16384 bytes: the largest message, a change notification of three changes whose paths are as long as Linux
 * allows (4096 bytes each), takes 12.4 KiB; breaks and wake-ups under 100 bytes. A change whose message would be
 * longer is not seen by other workers' watches (logged and reported like an undelivered message). 4096 queued: one
 * per pending break, wake-up or change, far above what the opens of one worker produce at once.
 */
public record MessagingLimits(int maxMessageSize, int maxQueued, java.time.Duration sendTimeout) {
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16384;
    public static final int MIN_MAX_MESSAGE_SIZE = 64;
    public static final int MAX_MAX_MESSAGE_SIZE = 65536;
    public static final int DEFAULT_MAX_QUEUED = 4096;
    public static final int MAX_MAX_QUEUED = 65536;
    public static final int DEFAULT_SEND_TIMEOUT_MILLIS = 5000;
    public static final MessagingLimits DEFAULTS = new MessagingLimits(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_QUEUED,
            java.time.Duration.ofMillis(DEFAULT_SEND_TIMEOUT_MILLIS));
}
