package io.swrap.smb.smb2.handler;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a DHnC/DH2C reconnect names, as the worker holding the disconnected durable open checks it
 * ([MS-SMB2] 3.3.5.9.7, 3.3.5.9.12; see {@link DurableReconnect#check}), and its wire form in a
 * {@link io.swrap.smb.ipc.MessageType#DURABLE_CLAIM} payload (big-endian):
 * <pre>
 *  u8   flags: 1 = DH2C, 2 = a lease key follows
 *  16   CreateGuid (zeros for a DHnC)
 *  16   lease key, when flagged
 *  str  user, share, ClientGuid ("" for none), the CREATE's name: each u16 length + UTF-8
 * </pre>
 *
 * @param v2 a DH2C (its CreateGuid must match)
 * @param createGuid the DH2C CreateGuid, 16 bytes (zeros for a DHnC)
 * @param user the reconnecting session's user ("" for anonymous)
 * @param share the share of the CREATE's tree connect
 * @param clientGuid the reconnecting connection's ClientGuid (hex), or null
 * @param leaseKey the lease key the reconnect names, or null for none
 * @param name the CREATE's name (a leased open must be reclaimed under its name)
 */
record DurableClaim(boolean v2, byte[] createGuid, String user, String share, String clientGuid, byte[] leaseKey,
                    String name) {
    private static final int V2 = 1;
    private static final int LEASED = 2;

    DurableClaim {
        createGuid = createGuid == null ? new byte[16] : createGuid.clone();
        if (createGuid.length != 16 || leaseKey != null && leaseKey.length != 16) {
            throw new IllegalArgumentException("CreateGuid of " + createGuid.length + " bytes, lease key of "
                    + (leaseKey == null ? "none" : leaseKey.length + " bytes") + " (expected: 16 each)");
        }
        leaseKey = leaseKey == null ? null : leaseKey.clone();
    }

    @Override
    public byte[] createGuid() {
        return createGuid.clone();
    }

    @Override
    public byte[] leaseKey() {
        return leaseKey == null ? null : leaseKey.clone();
    }

    byte[] encode() {
        byte[][] strings = {utf8(user), utf8(share), utf8(clientGuid == null ? "" : clientGuid), utf8(name)};
        int size = 1 + 16 + (leaseKey != null ? 16 : 0);
        for (byte[] s : strings) {
            size += 2 + s.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) ((v2 ? V2 : 0) | (leaseKey != null ? LEASED : 0))).put(createGuid);
        if (leaseKey != null) {
            b.put(leaseKey);
        }
        for (byte[] s : strings) {
            putString(b, s);
        }
        return b.array();
    }

    /** @throws IllegalArgumentException when {@code payload} is not what {@link #encode} writes, saying why */
    static DurableClaim decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            int flags = b.get() & 0xff;
            if ((flags & ~(V2 | LEASED)) != 0) {
                throw new IllegalArgumentException("flags 0x" + Integer.toHexString(flags) + " (expected: 0..3)");
            }
            byte[] guid = new byte[16];
            b.get(guid);
            byte[] key = null;
            if ((flags & LEASED) != 0) {
                key = new byte[16];
                b.get(key);
            }
            String user = string(b);
            String share = string(b);
            String client = string(b);
            String name = string(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the name");
            }
            return new DurableClaim((flags & V2) != 0, guid, user, share, client.isEmpty() ? null : client, key,
                    name);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("durable claim ends early (" + payload.length + " bytes)", e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void putString(ByteBuffer b, byte[] s) {
        if (s.length > 0xffff) {
            throw new IllegalArgumentException("string of " + s.length + " bytes (expected: at most 65535)");
        }
        b.putShort((short) s.length).put(s);
    }

    static String string(ByteBuffer b) {
        int n = b.getShort() & 0xffff;
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
