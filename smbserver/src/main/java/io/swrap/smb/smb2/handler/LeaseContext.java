package io.swrap.smb.smb2.handler;

import io.swrap.smb.oplock.Granted;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Connection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RqLs create context: [MS-SMB2] 2.2.13.2.8 SMB2_CREATE_REQUEST_LEASE (32 bytes: LeaseKey (16),
 * LeaseState (4), LeaseFlags (4), LeaseDuration (8)) and 2.2.13.2.10 SMB2_CREATE_REQUEST_LEASE_V2
 * (52 bytes: the same, then ParentLeaseKey (16), Epoch (2), Reserved (2)); the response contexts
 * 2.2.14.2.10/2.2.14.2.11 have the same layouts.
 */
record LeaseContext(byte[] key, int state, int version, int epoch, byte[] parentKey) {
    static final String NAME = "RqLs";
    static final int FLAG_BREAK_IN_PROGRESS = 0x02;
    static final int FLAG_PARENT_LEASE_KEY_SET = 0x04;

    /**
     * The lease the CREATE asks for, or null when it has none or the connection cannot lease (3.3.5.9.8:
     * 2.0.2, or a server without leasing, ignores the context). A v2 context on a 2.1 connection is read as
     * v1, as Samba does.
     */
    static LeaseContext request(Smb2CreateRequest req, Connection conn) throws Smb2Exception {
        Smb2CreateContext c = req.context(NAME);
        if (c == null || conn.dialect() < Smb2Dialect.SMB2_10
                || (conn.serverCapabilities() & Connection.CAP_LEASING) == 0) {
            return null;
        }
        byte[] d = c.data();
        if (d.length != 32 && d.length != 52) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "RqLs create context of " + d.length
                    + " bytes (expected: 32 for a v1 lease, 52 for v2)");
        }
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        byte[] key = new byte[16];
        b.get(key);
        int state = b.getInt();
        int flags = b.getInt();
        if (d.length == 32 || !Smb2Dialect.isSmb3(conn.dialect())) {
            return new LeaseContext(key, state, 1, 0, null);
        }
        b.position(32);
        byte[] parent = new byte[16];
        b.get(parent);
        int epoch = Short.toUnsignedInt(b.getShort());
        return new LeaseContext(key, state, 2, epoch, (flags & FLAG_PARENT_LEASE_KEY_SET) != 0 ? parent : null);
    }

    /** The response RqLs of a granted lease, in the version the client asked for. */
    static Smb2CreateContext response(Granted g) {
        boolean v2 = g.leaseVersion() >= 2;
        ByteBuffer b = ByteBuffer.allocate(v2 ? 52 : 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(g.leaseKey());
        b.putInt(g.leaseState());
        int flags = (g.breakInProgress() ? FLAG_BREAK_IN_PROGRESS : 0)
                | (v2 && g.parentLeaseKey() != null ? FLAG_PARENT_LEASE_KEY_SET : 0);
        b.putInt(flags);
        b.putLong(0);
        if (v2) {
            b.put(g.parentLeaseKey() != null ? g.parentLeaseKey() : new byte[16]);
            b.putShort((short) g.leaseEpoch());
            b.putShort((short) 0);
        }
        return new Smb2CreateContext(NAME, b.array());
    }
}
