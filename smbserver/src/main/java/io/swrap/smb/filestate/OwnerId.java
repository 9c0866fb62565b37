package io.swrap.smb.filestate;

/**
 * The open that owns an entry of a {@link FileRecord} (a share mode, a byte-range lock, an oplock grant), as
 * fixed-size values so that a record can be copied into shared memory: Open.ClientGuid (two longs, zero for a
 * 2.0.2 client), the FileId, and the pid of the server process that holds the open (so that the entries of a
 * process that died can be dropped). The ids stay the same over a durable reconnect, which moves the open to
 * another session and event loop: where to deliver something for an owner is looked up, not stored here.
 */
public record OwnerId(long clientGuidHi, long clientGuidLo, long persistentId, long volatileId, long pid) {
    /** This process's pid, the owner of every open it makes. */
    public static final long SELF_PID = ProcessHandle.current().pid();

    /** An open of this process. */
    public OwnerId(long clientGuidHi, long clientGuidLo, long persistentId, long volatileId) {
        this(clientGuidHi, clientGuidLo, persistentId, volatileId, SELF_PID);
    }

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
        return "open " + Long.toHexString(persistentId) + "/" + Long.toHexString(volatileId)
                + (pid != SELF_PID ? " of process " + pid : "");
    }
}
