package io.swrap.smb.ipc;

import java.nio.ByteBuffer;

/**
 * The wire form of a {@link Message}, one per datagram, big-endian:
 * <pre>
 *  0  u32  magic "SWMS"
 *  4  u8   version (1)
 *  5  u8   type ({@link MessageType#wire()})
 *  6  u8   id count (0..{@link Message#MAX_IDS})
 *  7  u8   reserved, 0
 *  8  i64  sender pid
 * 16  i64  ids, id count of them
 *  .  u16  payload length
 *  .       payload
 * </pre>
 * The datagram must end with the payload: a receiver refuses trailing bytes as it refuses a short one.
 */
public final class MessageCodec {
    public static final int MAGIC = 0x53574d53; // "SWMS"
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 16;

    private MessageCodec() {
    }

    /** The encoded length of {@code m}. */
    public static int length(Message m) {
        return HEADER_BYTES + 8 * m.idCount() + 2 + m.payload().length;
    }

    /**
     * @throws IllegalArgumentException when {@code m} would be longer than {@code maxSize} bytes (a sender's bug:
     *     no type may carry more)
     */
    public static ByteBuffer encode(Message m, int maxSize) {
        int len = length(m);
        byte[] payload = m.payload();
        if (len > maxSize || payload.length > 0xffff) {
            throw new IllegalArgumentException(m + ": " + len + " bytes encoded (expected: at most " + maxSize
                    + ", smbserver:ipc max message size)");
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) m.type().wire()).put((byte) m.idCount()).put((byte) 0);
        b.putLong(m.senderPid());
        for (long id : m.ids()) {
            b.putLong(id);
        }
        b.putShort((short) payload.length).put(payload);
        return b.flip();
    }

    /** Reads the one message in {@code b} (position to limit). */
    public static Message decode(ByteBuffer b) throws MalformedMessageException {
        int len = b.remaining();
        if (len < HEADER_BYTES + 2) {
            throw new MalformedMessageException("datagram of " + len + " bytes (expected: at least "
                    + (HEADER_BYTES + 2) + ")");
        }
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new MalformedMessageException("magic 0x" + Integer.toHexString(magic) + " (expected: 0x"
                    + Integer.toHexString(MAGIC) + ")");
        }
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new MalformedMessageException("version " + version + " (expected: " + VERSION + ")");
        }
        int wire = b.get() & 0xff;
        MessageType type = MessageType.of(wire);
        if (type == null) {
            throw new MalformedMessageException("type " + wire + " (expected: one of 1.."
                    + MessageType.values().length + ")");
        }
        int count = b.get() & 0xff;
        if (count > Message.MAX_IDS) {
            throw new MalformedMessageException("id count " + count + " (expected: 0.." + Message.MAX_IDS + ")");
        }
        int reserved = b.get() & 0xff;
        if (reserved != 0) {
            throw new MalformedMessageException("reserved byte " + reserved + " (expected: 0)");
        }
        long sender = b.getLong();
        if (b.remaining() < 8 * count + 2) {
            throw new MalformedMessageException(type + " with " + count + " ids: " + len
                    + " bytes, too short for them and the payload length");
        }
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = b.getLong();
        }
        int payloadLen = b.getShort() & 0xffff;
        if (b.remaining() != payloadLen) {
            throw new MalformedMessageException(type + ": payload length " + payloadLen + " but " + b.remaining()
                    + " bytes follow");
        }
        byte[] payload = new byte[payloadLen];
        b.get(payload);
        return new Message(type, sender, ids, payload);
    }
}
