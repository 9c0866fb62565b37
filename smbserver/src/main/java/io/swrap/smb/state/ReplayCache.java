package io.swrap.smb.state;

import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CREATEs with a DH2Q CreateGuid that a client may replay ([MS-SMB2] 3.3.5.9.10: a CREATE with
 * SMB2_FLAGS_REPLAY_OPERATION whose (ClientGuid, CreateGuid) names an open answers that open again).
 * An entry is pending while its CREATE runs (a replay then gets STATUS_FILE_NOT_AVAILABLE), holds the
 * open once it exists, and goes when the CREATE fails, when the open closes, or when the client uses the
 * open's FileId, which proves it got the response (as Samba, so a later replay opens anew). Server-wide,
 * shared by all event loops.
 */
public final class ReplayCache {
    /** One CREATE of a client with a CreateGuid. */
    public static final class Entry {
        private volatile Open open;

        /** The open the CREATE made, or null while it is still running. */
        public Open open() {
            return open;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** The key of {@code createGuid} of the client with hex ClientGuid {@code clientGuid}. */
    public static String key(String clientGuid, byte[] createGuid) {
        return clientGuid + "/" + HexFormat.of().formatHex(createGuid);
    }

    /** The entry of {@code key}, or null. */
    public Entry lookup(String key) {
        return entries.get(key);
    }

    /** Registers a CREATE that starts now; null when {@code key} already has an entry. */
    public Entry begin(String key) {
        Entry e = new Entry();
        return entries.putIfAbsent(key, e) == null ? e : null;
    }

    /** The CREATE of {@code e} made {@code open}: replays of {@code key} answer it from now on. */
    public void complete(String key, Entry e, Open open) {
        open.replayKey = key;
        e.open = open;
    }

    /** The CREATE of {@code e} failed or was abandoned: the CreateGuid is free again. */
    public void abandon(String key, Entry e) {
        entries.remove(key, e);
    }

    /** {@code open} can no longer be replayed (its FileId was used, or it closed). */
    public void forget(Open open) {
        String key = open.replayKey;
        if (key != null) {
            open.replayKey = null;
            entries.computeIfPresent(key, (k, e) -> e.open == open ? null : e);
        }
    }
}
