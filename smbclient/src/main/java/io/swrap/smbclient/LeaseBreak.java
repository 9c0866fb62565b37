package io.swrap.smbclient;

import java.net.InetSocketAddress;

/**
 * A lease break notification (2.2.23.2) as it arrived: the lease key, the state the lease had and the state the
 * server breaks it to (R 0x1, H 0x2, W 0x4), whether it waits for an acknowledgment, and the server address of
 * the channel it came on.
 */
public record LeaseBreak(byte[] leaseKey, int currentState, int newState, boolean ackRequired, InetSocketAddress via) {
    public LeaseBreak {
        leaseKey = leaseKey.clone();
    }

    @Override
    public byte[] leaseKey() {
        return leaseKey.clone();
    }

    @Override
    public String toString() {
        return "LeaseBreak[key=" + java.util.HexFormat.of().formatHex(leaseKey) + ", " + currentState + " -> "
                + newState + (ackRequired ? ", ack required" : "") + ", via " + via + "]";
    }
}
