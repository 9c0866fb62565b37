package io.swrap.smb.prefork;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the master needs from the first frame of a connection: its ClientGuid, when the NEGOTIATE makes the
 * connection join a client ([MS-SMB2] 3.3.5.4: a dialect of 2.1 or later). Everything else — SMB1 (whose
 * multi-protocol NEGOTIATE is answered with an upgrade), 2.0.2 (no ClientGuid), a zero ClientGuid, a frame
 * that is not SMB2 or larger than the pre-auth limit — goes to any worker, which answers or refuses it as
 * the single-process server does.
 */
record NegotiatePeek(Kind kind, byte[] guid) {
    enum Kind {
        /** The first frame is not complete yet. */
        MORE,
        /** Any worker. */
        ANY,
        /** The owner of {@link #guid()}. */
        CLIENT
    }

    private static final int DIRECT_TCP = 4;
    private static final int SMB2_HEADER = 64;
    private static final int NEGOTIATE_FIXED = 36;
    private static final int CLIENT_GUID_OFFSET = 12;
    private static final int DIALECTS_OFFSET = 36;
    private static final int SMB2_10 = 0x0210;
    private static final int SMB2_WILDCARD = 0x02FF;

    private static final NegotiatePeek MORE = new NegotiatePeek(Kind.MORE, null);
    private static final NegotiatePeek ANY = new NegotiatePeek(Kind.ANY, null);

    /**
     * Examines the bytes read so far ({@code buf} from 0 to its position).
     *
     * @param maxFrame the pre-auth frame limit: a longer frame is not waited for
     * @param minDialect the server's lowest dialect, @param maxDialect its highest
     */
    static NegotiatePeek examine(ByteBuffer buf, int maxFrame, int minDialect, int maxDialect) {
        ByteBuffer b = buf.duplicate().flip().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < DIRECT_TCP) {
            return MORE;
        }
        int length = ((b.get(1) & 0xFF) << 16) | ((b.get(2) & 0xFF) << 8) | (b.get(3) & 0xFF);
        if (b.get(0) != 0 || length > maxFrame) {
            return ANY;
        }
        if (b.remaining() < DIRECT_TCP + length) {
            return MORE;
        }
        int h = DIRECT_TCP;
        if (length < SMB2_HEADER + NEGOTIATE_FIXED || b.getInt(h) != 0x424D53FE || b.getShort(h + 12) != 0) {
            return ANY; // SMB1, not NEGOTIATE, or too short: the worker answers
        }
        int body = h + SMB2_HEADER;
        int count = b.getShort(body + 2) & 0xFFFF;
        int dialects = body + DIALECTS_OFFSET;
        if (dialects + 2 * count > DIRECT_TCP + length) {
            return ANY;
        }
        int best = 0;
        for (int i = 0; i < count; i++) {
            int d = b.getShort(dialects + 2 * i) & 0xFFFF;
            if (d != SMB2_WILDCARD && d >= minDialect && d <= maxDialect && d > best) {
                best = d;
            }
        }
        byte[] guid = new byte[ClientGuidTable.GUID_BYTES];
        b.get(body + CLIENT_GUID_OFFSET, guid);
        if (best < SMB2_10 || java.util.Arrays.equals(guid, new byte[guid.length])) {
            return ANY;
        }
        return new NegotiatePeek(Kind.CLIENT, guid);
    }
}
