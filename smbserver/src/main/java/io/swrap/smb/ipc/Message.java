package io.swrap.smb.ipc;

import java.util.Arrays;

/**
 * One message between workers: its type, the pid of the process that sent it, up to {@link #MAX_IDS} ids and a
 * small payload. Only values: whatever the receiver acts on it looks up by these ids in its own state.
 */
public record Message(MessageType type, long senderPid, long[] ids, byte[] payload) {
    /** Ids per message: the most any type needs (a lease break's seven) with room for one more. */
    public static final int MAX_IDS = 8;

    public Message {
        if (type == null) {
            throw new IllegalArgumentException("message type: null");
        }
        if (ids.length > MAX_IDS) {
            throw new IllegalArgumentException("ids: " + ids.length + " (expected: 0.." + MAX_IDS + ")");
        }
        ids = ids.clone();
        payload = payload.clone();
    }

    public Message(MessageType type, long senderPid, long... ids) {
        this(type, senderPid, ids, new byte[0]);
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Id {@code i}, checked against the count a handler expects. */
    public long id(int i) {
        return ids[i];
    }

    public int idCount() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.type == type && m.senderPid == senderPid && Arrays.equals(m.ids, ids)
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Long.hashCode(senderPid) * 17 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return type + " from pid " + senderPid + " ids " + Arrays.toString(ids) + " payload " + payload.length + " B";
    }
}
