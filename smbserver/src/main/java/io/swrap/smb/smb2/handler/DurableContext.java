package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.state.Connection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The durable-handle create contexts of a CREATE: [MS-SMB2] 2.2.13.2.3 DHnQ (16 reserved bytes),
 * 2.2.13.2.4 DHnC (FileId, 16), 2.2.13.2.11 DH2Q (Timeout 4, Flags 4, Reserved 8, CreateGuid 16) and
 * 2.2.13.2.12 DH2C (FileId 16, CreateGuid 16, Flags 4); at most one of them. The v2 contexts belong to
 * the 3.x dialects (3.3.5.9.10, 3.3.5.9.12) and are ignored on 2.x connections, as Samba does.
 *
 * @param kind which context the CREATE carried
 * @param timeoutMs the requested DH2Q Timeout, as the server grants it (see {@link #grantedTimeoutMs})
 * @param createGuid the DH2Q/DH2C CreateGuid, or null
 * @param fileId the DHnC/DH2C FileId to reconnect, or null
 */
record DurableContext(Kind kind, int timeoutMs, byte[] createGuid, Smb2FileId fileId) {
    static final String DHNQ = "DHnQ";
    static final String DHNC = "DHnC";
    static final String DH2Q = "DH2Q";
    static final String DH2C = "DH2C";
    /** Samba's and Windows 2012's answer to a DH2Q Timeout of 0, and the v1 durable timeout. */
    static final int DEFAULT_TIMEOUT_MS = 60_000;
    /** The longest durable timeout the server grants (Samba's cap; its tests expect 300 s for UINT32_MAX). */
    static final int MAX_TIMEOUT_MS = 300_000;

    enum Kind { NONE, V1_REQUEST, V1_RECONNECT, V2_REQUEST, V2_RECONNECT }

    static final DurableContext NONE = new DurableContext(Kind.NONE, 0, null, null);

    /** @throws Smb2Exception INVALID_PARAMETER for a context of the wrong size or two durable contexts */
    static DurableContext of(Smb2CreateRequest req, Connection conn) throws Smb2Exception {
        boolean smb3 = Smb2Dialect.isSmb3(conn.dialect());
        Smb2CreateContext dhnq = req.context(DHNQ);
        Smb2CreateContext dhnc = req.context(DHNC);
        Smb2CreateContext dh2q = smb3 ? req.context(DH2Q) : null;
        Smb2CreateContext dh2c = smb3 ? req.context(DH2C) : null;
        int count = (dhnq != null ? 1 : 0) + (dhnc != null ? 1 : 0) + (dh2q != null ? 1 : 0) + (dh2c != null ? 1 : 0);
        if (count == 0) {
            return NONE;
        }
        if (count > 1) {
            // 3.3.5.9.10/12: a v2 context together with any other durable context is INVALID_PARAMETER; a DHnC
            // with a DHnQ is a reconnect (3.3.5.9.7 ignores the DHnQ), as Samba reads it
            if (dh2q != null || dh2c != null || dhnc == null) {
                throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "CREATE carries " + count
                        + " durable handle contexts (expected: at most one of DHnQ, DHnC, DH2Q, DH2C)");
            }
            dhnq = null;
        }
        if (dhnq != null) {
            size(dhnq, 16);
            return new DurableContext(Kind.V1_REQUEST, DEFAULT_TIMEOUT_MS, null, null);
        }
        if (dhnc != null) {
            ByteBuffer b = size(dhnc, 16);
            return new DurableContext(Kind.V1_RECONNECT, 0, null, new Smb2FileId(b.getLong(0), b.getLong(8)));
        }
        if (dh2q != null) {
            ByteBuffer b = size(dh2q, 32);
            byte[] guid = new byte[16];
            b.get(16, guid);
            return new DurableContext(Kind.V2_REQUEST, grantedTimeoutMs(b.getInt(0)), guid, null);
        }
        ByteBuffer b = size(dh2c, 36);
        byte[] guid = new byte[16];
        b.get(16, guid);
        return new DurableContext(Kind.V2_RECONNECT, 0, guid, new Smb2FileId(b.getLong(0), b.getLong(8)));
    }

    /** 3.3.5.9.10: 0 asks for the server's default; the server may grant less than asked. */
    static int grantedTimeoutMs(int requested) {
        if (requested == 0) {
            return DEFAULT_TIMEOUT_MS;
        }
        return (int) Math.min(Integer.toUnsignedLong(requested), MAX_TIMEOUT_MS);
    }

    private static ByteBuffer size(Smb2CreateContext c, int expected) throws Smb2Exception {
        if (c.data().length != expected) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, c.name() + " create context of " + c.data().length
                    + " bytes (expected: " + expected + ")");
        }
        return ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean requested() {
        return kind == Kind.V1_REQUEST || kind == Kind.V2_REQUEST;
    }

    boolean reconnect() {
        return kind == Kind.V1_RECONNECT || kind == Kind.V2_RECONNECT;
    }

    boolean v2() {
        return kind == Kind.V2_REQUEST || kind == Kind.V2_RECONNECT;
    }

    /** 2.2.14.2.3 (DHnQ: 8 reserved bytes) or 2.2.14.2.12 (DH2Q: Timeout 4, Flags 4; never persistent). */
    static Smb2CreateContext response(boolean v2, int timeoutMs) {
        if (!v2) {
            return new Smb2CreateContext(DHNQ, new byte[8]);
        }
        return new Smb2CreateContext(DH2Q, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(timeoutMs).putInt(0).array());
    }
}
