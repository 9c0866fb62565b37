package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;

/** [MS-SMB2] 2.2.3.1 / 2.2.4.1 SMB2 NEGOTIATE_CONTEXT: ContextType (2), DataLength (2), Reserved (4), Data. */
public record Smb2NegotiateContext(int type, byte[] data) {
    public static final int PREAUTH_INTEGRITY_CAPABILITIES = 0x0001;
    public static final int ENCRYPTION_CAPABILITIES = 0x0002;
    public static final int COMPRESSION_CAPABILITIES = 0x0003;
    public static final int NETNAME_NEGOTIATE_CONTEXT_ID = 0x0005;
    public static final int TRANSPORT_CAPABILITIES = 0x0006;
    public static final int RDMA_TRANSFORM_CAPABILITIES = 0x0007;
    public static final int SIGNING_CAPABILITIES = 0x0008;

    void write(ByteBuf out) {
        out.writeShortLE(type);
        out.writeShortLE(data.length);
        out.writeIntLE(0);
        out.writeBytes(data);
    }
}
