package io.swrap.smb.oplock;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * [MS-SMB2] 3.3.1.13 Per Lease: what one client (ClientGuid) may cache of one file under one
 * LeaseKey, shared by all opens made with that key. Guarded by the {@link Oplocks} table's lock.
 */
public final class Lease {
    final String clientGuid;
    final byte[] key;
    final int version;
    final byte[] parentKey;
    final FileOplocks file;
    final List<Grant> grants = new ArrayList<>();
    int state;
    /** Lease.Epoch of a version-2 lease; 0 for version 1. */
    int epoch;
    /** The state a break awaiting its acknowledgment goes to, or -1. */
    int breakingTo = -1;
    /**
     * While a break is in progress, the state the file's opens need the lease at, at most {@link #breakingTo}:
     * an open arriving during a break lowers it without a second message, and the acknowledgment is followed by
     * a further break down to it (Samba's breaking_to_required).
     */
    int breakRequired = -1;
    long breakStarted;

    Lease(String clientGuid, byte[] key, int version, byte[] parentKey, FileOplocks file) {
        this.clientGuid = clientGuid;
        this.key = key.clone();
        this.version = version;
        this.parentKey = parentKey == null ? null : parentKey.clone();
        this.file = file;
    }

    static String id(String clientGuid, byte[] key) {
        return clientGuid + "/" + HexFormat.of().formatHex(key);
    }

    String id() {
        return id(clientGuid, key);
    }

    public String clientGuid() {
        return clientGuid;
    }

    public byte[] key() {
        return key.clone();
    }

    public int version() {
        return version;
    }

    @Override
    public String toString() {
        return "lease " + HexFormat.of().formatHex(key) + " of client " + clientGuid + " (" + LeaseState.name(state)
                + (breakingTo >= 0 ? ", breaking to " + LeaseState.name(breakingTo) : "") + ")";
    }
}
