package io.swrap.smb.oplock;

import io.swrap.smb.filestate.OwnerId;
import io.swrap.smb.ipc.MalformedMessageException;
import io.swrap.smb.ipc.Message;
import io.swrap.smb.ipc.MessageType;

/**
 * A {@link BreakNotice} as a message to the worker process that serves its holder's client, and back. An oplock
 * break carries the owner's ids (ClientGuid, persistent and volatile FileId) and the level; a lease break the
 * ClientGuid, version, states, epoch and the 16-byte key as payload. The receiver looks the open or client up by
 * these ids, as the sender would have in one process; an oplock break goes to its owner's process, so the owner
 * decoded there is an open of the receiving process.
 */
public final class BreakMessages {
    private static final int LEASE_KEY_BYTES = 16;
    private static final int OPLOCK_IDS = 6;
    private static final int LEASE_IDS = 7;

    private BreakMessages() {
    }

    /** The ClientGuid of {@code n}'s holder as (hi, lo), for finding its worker. */
    public static long[] clientGuid(BreakNotice n) {
        return switch (n) {
            case BreakNotice.Oplock o -> new long[] {o.owner().clientGuidHi(), o.owner().clientGuidLo()};
            case BreakNotice.LeaseBreak l -> {
                OwnerId g = OwnerId.of(l.clientGuid(), 0, 0);
                yield new long[] {g.clientGuidHi(), g.clientGuidLo()};
            }
        };
    }

    public static Message encode(BreakNotice n, long senderPid) {
        return switch (n) {
            case BreakNotice.Oplock o -> new Message(MessageType.OPLOCK_BREAK, senderPid, o.owner().clientGuidHi(),
                    o.owner().clientGuidLo(), o.owner().persistentId(), o.owner().volatileId(), u32(o.level()),
                    o.ackRequired() ? 1 : 0);
            case BreakNotice.LeaseBreak l -> {
                long[] g = clientGuid(l);
                yield new Message(MessageType.LEASE_BREAK, senderPid, new long[] {g[0], g[1], u32(l.version()),
                    u32(l.from()), u32(l.to()), u32(l.epoch()), l.ackRequired() ? 1 : 0}, l.key());
            }
        };
    }

    /** SMB2's 32-bit fields are unsigned (an epoch may pass 2^31): carried as such, not sign-extended. */
    private static long u32(int v) {
        return Integer.toUnsignedLong(v);
    }

    public static BreakNotice decode(Message m) throws MalformedMessageException {
        switch (m.type()) {
            case OPLOCK_BREAK -> {
                ids(m, OPLOCK_IDS);
                return new BreakNotice.Oplock(new OwnerId(m.id(0), m.id(1), m.id(2), m.id(3)), small(m, 4),
                        flag(m, 5));
            }
            case LEASE_BREAK -> {
                ids(m, LEASE_IDS);
                byte[] key = m.payload();
                if (key.length != LEASE_KEY_BYTES) {
                    throw new MalformedMessageException(m + ": lease key of " + key.length + " bytes (expected: "
                            + LEASE_KEY_BYTES + ")");
                }
                String guid = String.format("%016x%016x", m.id(0), m.id(1));
                return new BreakNotice.LeaseBreak(guid, key, small(m, 2), small(m, 3), small(m, 4), small(m, 5),
                        flag(m, 6));
            }
            default -> throw new MalformedMessageException(m + ": not a break");
        }
    }

    private static void ids(Message m, int n) throws MalformedMessageException {
        if (m.idCount() != n) {
            throw new MalformedMessageException(m + ": " + m.idCount() + " ids (expected: " + n + ")");
        }
    }

    /** A level, state, version or epoch: 32 bits on the wire of SMB2, so anything larger is not one. */
    private static int small(Message m, int i) throws MalformedMessageException {
        long v = m.id(i);
        if (v < 0 || v > 0xffff_ffffL) {
            throw new MalformedMessageException(m + ": id " + i + " = " + v + " (expected: 0..0xffffffff)");
        }
        return (int) v;
    }

    private static boolean flag(Message m, int i) throws MalformedMessageException {
        long v = m.id(i);
        if (v != 0 && v != 1) {
            throw new MalformedMessageException(m + ": flag id " + i + " = " + v + " (expected: 0 or 1)");
        }
        return v == 1;
    }
}
