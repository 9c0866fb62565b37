package io.swrap.smb.smb2.handler;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * What a worker that handed a disconnected durable open over tells the claimant to rebuild it from, the payload of
 * a {@link io.swrap.smb.ipc.MessageType#DURABLE_ANSWER} that grants the claim (big-endian): the fixed fields in
 * the order of the components, then the optional CreateGuid and AppInstanceId (a u8 presence flag, then 16
 * bytes) and the strings (u16 length + UTF-8). The file's shared state (share mode, locks, oplock or lease) is
 * not here: it moved in the file's record, to the claimant's pid, before the answer was sent.
 *
 * @param rel the file's path relative to the share's root, as the holder knew it
 * @param dev the file's device, with {@code ino} the key of its record: the claimant's reopen must find them
 * @param guidHi the ClientGuid half of the open's owner id (kept: it is the record's owner)
 * @param fileId the persistent (and volatile) FileId
 * @param clientGuid Open.ClientGuid (hex), or null
 * @param createGuid Open.CreateGuid, or null
 * @param appInstanceId Open.AppInstanceId, or null
 */
record DurableHandoff(String rel, boolean directory, int access, long dev, long ino, long guidHi, long guidLo,
                      long fileId, long position, long allocation, int createAction, boolean deleteOnClose,
                      boolean v2, int timeoutMs, String clientGuid, byte[] createGuid, byte[] appInstanceId) {
    DurableHandoff {
        createGuid = createGuid == null ? null : createGuid.clone();
        appInstanceId = appInstanceId == null ? null : appInstanceId.clone();
    }

    @Override
    public byte[] createGuid() {
        return createGuid == null ? null : createGuid.clone();
    }

    @Override
    public byte[] appInstanceId() {
        return appInstanceId == null ? null : appInstanceId.clone();
    }

    byte[] encode() {
        byte[] path = DurableClaim.utf8(rel);
        byte[] guid = DurableClaim.utf8(clientGuid == null ? "" : clientGuid);
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 5 * 8 + 8 + 8 + 4 + 1 + 1 + 4 + 2 * 17 + 2 + path.length + 2
                + guid.length);
        b.put((byte) (directory ? 1 : 0)).putInt(access).putLong(dev).putLong(ino).putLong(guidHi).putLong(guidLo)
                .putLong(fileId).putLong(position).putLong(allocation).putInt(createAction)
                .put((byte) (deleteOnClose ? 1 : 0)).put((byte) (v2 ? 1 : 0)).putInt(timeoutMs);
        putOptional(b, createGuid);
        putOptional(b, appInstanceId);
        DurableClaim.putString(b, path);
        DurableClaim.putString(b, guid);
        return b.array();
    }

    /** @throws IllegalArgumentException when {@code payload} is not what {@link #encode} writes, saying why */
    static DurableHandoff decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            boolean dir = flag(b, "directory");
            int access = b.getInt();
            long dev = b.getLong();
            long ino = b.getLong();
            long hi = b.getLong();
            long lo = b.getLong();
            long id = b.getLong();
            long position = b.getLong();
            long allocation = b.getLong();
            int action = b.getInt();
            boolean doc = flag(b, "delete-on-close");
            boolean v2 = flag(b, "v2");
            int timeout = b.getInt();
            if (timeout < 0) {
                throw new IllegalArgumentException("durable timeout " + timeout + " ms (expected: 0 or more)");
            }
            byte[] createGuid = optional(b, "CreateGuid");
            byte[] app = optional(b, "AppInstanceId");
            String rel = DurableClaim.string(b);
            String client = DurableClaim.string(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the ClientGuid");
            }
            return new DurableHandoff(rel, dir, access, dev, ino, hi, lo, id, position, allocation, action, doc, v2,
                    timeout, client.isEmpty() ? null : client, createGuid, app);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("durable hand-off ends early (" + payload.length + " bytes)", e);
        }
    }

    private static void putOptional(ByteBuffer b, byte[] sixteen) {
        b.put((byte) (sixteen != null ? 1 : 0)).put(sixteen != null ? sixteen : new byte[16]);
    }

    private static byte[] optional(ByteBuffer b, String what) {
        boolean present = flag(b, what);
        byte[] v = new byte[16];
        b.get(v);
        return present ? v : null;
    }

    private static boolean flag(ByteBuffer b, String what) {
        int v = b.get() & 0xff;
        if (v > 1) {
            throw new IllegalArgumentException(what + " flag " + v + " (expected: 0 or 1)");
        }
        return v == 1;
    }
}
