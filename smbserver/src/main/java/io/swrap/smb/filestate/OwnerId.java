package io.swrap.smb.filestate;

/**
 * The open that owns an entry of a {@link FileRecord} (a share mode, a byte-range lock, an oplock grant), as
 * fixed-size values so that a record can be copied into shared memory: Open.ClientGuid (two longs, zero for a
 * 2.0.2 client) and the FileId. The ids stay the same over a durable reconnect, which moves the open to another
 * session and event loop: where to deliver something for an owner is looked up, not stored here.
 */
public record OwnerId(long clientGuidHi, long clientGuidLo, long persistentId, long volatileId) {
    /** @param clientGuidHex Open.ClientGuid as 32 hex digits, or null */
    public static OwnerId of(String clientGuidHex, long persistentId, long volatileId) {
        long hi = 0;
        long lo = 0;
        if (clientGuidHex != null && clientGuidHex.length() == 32) {
            hi = Long.parseUnsignedLong(clientGuidHex.substring(0, 16), 16);
            lo = Long.parseUnsignedLong(clientGuidHex.substring(16), 16);
        }
        return new OwnerId(hi, lo, persistentId, volatileId);
    }

    @Override
    public String toString() {
        return "open " + Long.toHexString(persistentId) + "/" + Long.toHexString(volatileId);
    }
}
