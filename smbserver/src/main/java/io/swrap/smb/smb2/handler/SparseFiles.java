package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.ChangeNotify;
import io.swrap.smb.vfs.SparseFlag;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Sparse files ([MS-FSCC] 2.3.64 FSCTL_SET_SPARSE, 2.3.47 FSCTL_QUERY_ALLOCATED_RANGES, 2.3.67
 * FSCTL_SET_ZERO_DATA; [MS-FSA] 2.1.5.10.22, .35, .38), as Samba answers them: the flag is {@link SparseFlag}, the
 * allocated ranges are what lseek(SEEK_DATA/SEEK_HOLE) finds, zeroing punches a hole (the size unchanged). Every
 * offset and length the peer gives is checked as a signed 64-bit value before it reaches the file system.
 */
final class SparseFiles {
    static final int FSCTL_SET_SPARSE = 0x000900C4;
    static final int FSCTL_QUERY_ALLOCATED_RANGES = 0x000940CF;
    static final int FSCTL_SET_ZERO_DATA = 0x000980C8;
    /** FILE_ALLOCATED_RANGE_BUFFER and FILE_ZERO_DATA_INFORMATION: two 64-bit values. */
    private static final int RANGE = 16;
    /** The most ranges one FSCTL_QUERY_ALLOCATED_RANGES answers (1 MiB of output), whatever MaxOutputResponse says. */
    static final int MAX_RANGES = 65536;

    private SparseFiles() {
    }

    static boolean handles(int ctlCode) {
        return ctlCode == FSCTL_SET_SPARSE || ctlCode == FSCTL_QUERY_ALLOCATED_RANGES
                || ctlCode == FSCTL_SET_ZERO_DATA;
    }

    static Reply handle(RequestContext rc, Smb2IoctlRequest req, Open open) throws Smb2Exception {
        if ((req.flags() & Smb2IoctlRequest.SMB2_0_IOCTL_IS_FSCTL) == 0) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, String.format(
                    "IOCTL CtlCode 0x%08x without SMB2_0_IOCTL_IS_FSCTL", req.ctlCode()));
        }
        try {
            return switch (req.ctlCode()) {
                case FSCTL_SET_SPARSE -> setSparse(req, open);
                case FSCTL_QUERY_ALLOCATED_RANGES -> allocatedRanges(req, open);
                default -> zeroData(rc, req, open);
            };
        } catch (VfsException e) {
            throw Vfs.toSmb(e, String.format("IOCTL 0x%08x on %s", req.ctlCode(), open.path()));
        }
    }

    /** Input: SetSparse (1 byte, optional: absent means TRUE; more bytes are ignored, as Windows does). */
    private static Reply setSparse(Smb2IoctlRequest req, Open open) throws Smb2Exception, VfsException {
        // as Windows Server 2008/2012 and Samba: any of these rights will do
        if (!open.has(AccessMask.FILE_WRITE_DATA | AccessMask.FILE_WRITE_ATTRIBUTES | AccessMask.FILE_APPEND_DATA)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "FSCTL_SET_SPARSE on " + open.path()
                    + " needs FILE_WRITE_DATA, FILE_WRITE_ATTRIBUTES or FILE_APPEND_DATA");
        }
        if (open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SET_SPARSE on the directory " + open.path());
        }
        ByteBuf in = req.input();
        boolean sparse = in.readableBytes() == 0 || in.getByte(in.readerIndex()) != 0;
        if (SparseFlag.read(open.handle()) != sparse && !SparseFlag.write(open.handle(), sparse)) {
            throw new Smb2Exception(NtStatus.INVALID_DEVICE_REQUEST, "FSCTL_SET_SPARSE on " + open.path()
                    + ": the share's file system keeps no user extended attributes, where the flag is stored");
        }
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
    }

    /**
     * Input FILE_ALLOCATED_RANGE_BUFFER: FileOffset (8), Length (8), both signed. Output: the ranges holding data
     * within it and before the end of file; a non-sparse file is all allocated. What does not fit in
     * MaxOutputResponse is cut: STATUS_BUFFER_OVERFLOW with the ranges that fit, STATUS_BUFFER_TOO_SMALL when
     * not even one does.
     */
    private static Reply allocatedRanges(Smb2IoctlRequest req, Open open)
            throws Smb2Exception, VfsException {
        if (!open.has(AccessMask.FILE_READ_DATA)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "FSCTL_QUERY_ALLOCATED_RANGES on " + open.path()
                    + " needs FILE_READ_DATA");
        }
        ByteBuf in = req.input();
        if (in.readableBytes() < RANGE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_QUERY_ALLOCATED_RANGES input of "
                    + in.readableBytes() + " bytes (expected: at least " + RANGE + ")");
        }
        long offset = in.getLongLE(in.readerIndex());
        long length = in.getLongLE(in.readerIndex() + 8);
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            // [MS-FSA] 2.1.5.10.22: negative values, or FileOffset + Length past the largest offset
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_QUERY_ALLOCATED_RANGES FileOffset "
                    + offset + " Length " + length + " (expected: both >= 0, their sum < 2^63)");
        }
        if (open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_QUERY_ALLOCATED_RANGES on the directory "
                    + open.path());
        }
        Vfs.Handle h = open.handle();
        long size = h.stat().size();
        long end = Math.min(size, offset + length);
        int fits = (int) Math.min(Integer.toUnsignedLong(req.maxOutputResponse()) / RANGE, MAX_RANGES);
        List<long[]> ranges;
        if (offset >= end) {
            ranges = List.of(); // nothing asked for, or at or after the end of file
        } else if (!SparseFlag.read(h)) {
            ranges = List.<long[]>of(new long[] {offset, end - offset});
        } else {
            // one more than fits tells whether the answer was cut
            ranges = h.dataRanges(offset, end, fits + 1);
        }
        int n = Math.min(ranges.size(), fits);
        ByteBuffer out = ByteBuffer.allocate(n * RANGE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out.putLong(ranges.get(i)[0]).putLong(ranges.get(i)[1]);
        }
        if (n == ranges.size()) {
            return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array()));
        }
        if (n == 0) {
            throw new Smb2Exception(NtStatus.BUFFER_TOO_SMALL, "FSCTL_QUERY_ALLOCATED_RANGES of " + open.path()
                    + " has ranges, MaxOutputResponse " + req.maxOutputResponse() + " holds none ("
                    + RANGE + " bytes each)");
        }
        return new Reply(NtStatus.BUFFER_OVERFLOW, new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array()));
    }

    /**
     * Input FILE_ZERO_DATA_INFORMATION: FileOffset (8), BeyondFinalZero (8), both signed. The range reads as zeros
     * afterwards; a range past the end of file does not extend it. A byte-range lock of another open on it is
     * STATUS_FILE_LOCK_CONFLICT; the other opens' caches break as for a WRITE.
     */
    private static Reply zeroData(RequestContext rc, Smb2IoctlRequest req, Open open)
            throws Smb2Exception, VfsException {
        if (!open.has(AccessMask.FILE_WRITE_DATA)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "FSCTL_SET_ZERO_DATA on " + open.path()
                    + " needs FILE_WRITE_DATA");
        }
        ByteBuf in = req.input();
        if (in.readableBytes() < RANGE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SET_ZERO_DATA input of "
                    + in.readableBytes() + " bytes (expected: at least " + RANGE + ")");
        }
        long offset = in.getLongLE(in.readerIndex());
        long beyond = in.getLongLE(in.readerIndex() + 8);
        if (offset < 0 || beyond < offset) {
            // [MS-FSA] 2.1.5.10.38: FileOffset < 0, BeyondFinalZero < 0 or FileOffset > BeyondFinalZero
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SET_ZERO_DATA FileOffset " + offset
                    + " BeyondFinalZero " + beyond + " (expected: 0 <= FileOffset <= BeyondFinalZero)");
        }
        if (open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SET_ZERO_DATA on the directory " + open.path());
        }
        long length = beyond - offset;
        if (length == 0) {
            return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
        }
        var locks = rc.conn.server().locks();
        if (locks.conflicts(open.key(), open.owner(), offset, length, true)) {
            throw new Smb2Exception(NtStatus.FILE_LOCK_CONFLICT, "FSCTL_SET_ZERO_DATA of " + offset + "+" + length
                    + " on " + open.path() + " overlaps a byte-range lock");
        }
        long size = open.handle().stat().size();
        if (offset < size) {
            // nothing to zero past the end of file: KEEP_SIZE would only allocate nothing there
            open.handle().punchHole(offset, Math.min(length, size - offset));
            BreakSender.send(rc.conn.server(), rc.conn.server().oplocks().written(open.key(), open.owner()));
            rc.conn.server().changeNotify().report(open.path(), ChangeNotify.FILE_ACTION_MODIFIED,
                    ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE);
        }
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
    }
}
