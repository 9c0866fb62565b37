package io.swrap.smb.smb2.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * [MS-SMB2] 2.2.4 SMB2 NEGOTIATE Response: StructureSize (2) = 65, SecurityMode (2), DialectRevision (2),
 * NegotiateContextCount (2), ServerGuid (16), Capabilities (4), MaxTransactSize (4), MaxReadSize (4),
 * MaxWriteSize (4), SystemTime (8), ServerStartTime (8), SecurityBufferOffset (2), SecurityBufferLength (2),
 * NegotiateContextOffset (4), Buffer; contexts 8-byte aligned after the security buffer.
 */
public record Smb2NegotiateResponse(int securityMode, int dialect, byte[] serverGuid, int capabilities,
        int maxTransactSize, int maxReadSize, int maxWriteSize, long systemTime, long serverStartTime,
        byte[] securityBuffer, List<Smb2NegotiateContext> contexts) implements Smb2ResponseBody {

    private static final int BUFFER_OFFSET = Smb2Header.SIZE + 64;

    @Override
    public void encode(ByteBuf out) {
        int ctxOffset = contexts.isEmpty() ? 0 : (BUFFER_OFFSET + securityBuffer.length + 7) & ~7;
        out.writeShortLE(65);
        out.writeShortLE(securityMode);
        out.writeShortLE(dialect);
        out.writeShortLE(contexts.size());
        out.writeBytes(serverGuid);
        out.writeIntLE(capabilities);
        out.writeIntLE(maxTransactSize);
        out.writeIntLE(maxReadSize);
        out.writeIntLE(maxWriteSize);
        out.writeLongLE(systemTime);
        out.writeLongLE(serverStartTime);
        out.writeShortLE(BUFFER_OFFSET);
        out.writeShortLE(securityBuffer.length);
        out.writeIntLE(ctxOffset);
        int start = out.writerIndex() - 64; // body start, at header offset 64
        out.writeBytes(securityBuffer);
        if (securityBuffer.length == 0 && contexts.isEmpty()) {
            out.writeByte(0); // StructureSize 65 counts one byte of Buffer
        }
        for (int i = 0; i < contexts.size(); i++) {
            while ((out.writerIndex() - start + Smb2Header.SIZE) % 8 != 0) {
                out.writeByte(0);
            }
            contexts.get(i).write(out);
        }
    }
}
