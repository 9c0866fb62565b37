package io.swrap.smb.smb2.fscc;

import io.netty.buffer.ByteBuf;

/**
 * An encoded information class and the size of its fixed part. [MS-SMB2] 3.3.5.20.1 / [MS-FSA] 2.1.5.12:
 * an OutputBufferLength below the fixed part is STATUS_INFO_LENGTH_MISMATCH; one that holds the fixed
 * part but not the variable tail gets the truncated data with STATUS_BUFFER_OVERFLOW.
 */
public record InfoBuffer(ByteBuf data, int fixedSize) {
}
