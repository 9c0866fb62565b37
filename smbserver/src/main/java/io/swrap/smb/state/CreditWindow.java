package io.swrap.smb.state;

import java.util.BitSet;

/**
 * [MS-SMB2] 3.3.1.1 Algorithm for the Granting of Credits: the set of MessageIds the client may use.
 * Ids in [low, low + granted) are available; each used once ("CommandSequenceWindow").
 */
public final class CreditWindow {
    /** Samba's default "smb2 max credits". */
    public static final int MAX_CREDITS = 8192;

    private long low;
    private int granted = 1; // "the server MUST ... set the CommandSequenceWindow to 0..1" at connection start
    private final BitSet used = new BitSet();

    /**
     * Consumes {@code charge} ids starting at {@code messageId}; returns an error text or null.
     */
    public String consume(long messageId, int charge) {
        int n = Math.max(charge, 1);
        // Compared as distances from low: a MessageId near 2^63 or "negative" (unsigned above it) cannot wrap.
        if (messageId < low || messageId - low > granted - n) {
            return "MessageId " + messageId + " (charge " + n + ") outside the granted window [" + low + ", "
                    + (low + granted) + ")";
        }
        int rel = (int) (messageId - low);
        if (used.get(rel, rel + n).cardinality() != 0) {
            return "MessageId " + messageId + " already used";
        }
        used.set(rel, rel + n);
        int advance = used.nextClearBit(0);
        if (advance > 0) {
            low += advance;
            granted -= advance;
            BitSet rest = used.get(advance, Math.max(advance, used.length()));
            used.clear();
            used.or(rest);
        }
        return null;
    }

    /** Grants up to {@code requested} more credits (at least 1 when the client has none left). */
    public int grant(int requested, int charge) {
        int want = Math.max(requested, charge > 0 ? 1 : 0);
        int outstanding = granted - used.cardinality();
        int g = Math.max(0, Math.min(want, MAX_CREDITS - outstanding));
        if (g == 0 && outstanding == 0) {
            g = 1;
        }
        granted += g;
        return g;
    }
}
