package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;

/**
 * FSCTL_GET_COMPRESSION and FSCTL_SET_COMPRESSION ([MS-FSCC] 2.3.12, 2.3.67) on shares whose file system does
 * not compress (FILE_FILE_COMPRESSION is not announced): every file is COMPRESSION_FORMAT_NONE, setting NONE
 * succeeds and any other format gets STATUS_NOT_SUPPORTED, as Windows Server 2016 (ReFS) and Samba answer.
 */
final class Compression {
    static final int FSCTL_GET_COMPRESSION = 0x0009003C;
    static final int FSCTL_SET_COMPRESSION = 0x0009C040;
    private static final int COMPRESSION_FORMAT_NONE = 0;

    private Compression() {
    }

    /** Reply: CompressionState (2). */
    static Reply get(Smb2IoctlRequest req) throws Smb2Exception {
        if (req.maxOutputResponse() < 2) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_GET_COMPRESSION needs 2 bytes, "
                    + "MaxOutputResponse is " + req.maxOutputResponse());
        }
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[] {COMPRESSION_FORMAT_NONE, 0}));
    }

    /** Request: CompressionState (2). */
    static Reply set(Smb2IoctlRequest req) throws Smb2Exception {
        if (req.input().readableBytes() < 2) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SET_COMPRESSION with "
                    + req.input().readableBytes() + " input bytes (expected: 2)");
        }
        int format = req.input().getUnsignedShortLE(req.input().readerIndex());
        if (format != COMPRESSION_FORMAT_NONE) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "FSCTL_SET_COMPRESSION format " + format
                    + ": the share's file system does not compress");
        }
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
    }
}
