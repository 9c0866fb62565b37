package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * [MS-SMB2] 3.3.5.15 Receiving an SMB2 IOCTL Request: FSCTL_VALIDATE_NEGOTIATE_INFO (3.3.5.15.12),
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO (3.3.5.15.11), FSCTL_CREATE_OR_GET_OBJECT_ID ([MS-FSCC] 2.3.7) and
 * FSCTL_GET/SET_COMPRESSION ({@link Compression}), server-side copy ({@link ServerSideCopy}), sparse files
 * ({@link SparseFiles}), Samba's test-only FSCTL_SMBTORTURE codes ({@link SmbtortureFsctl}).
 * Other control codes get STATUS_NOT_SUPPORTED, after the FileId was checked (STATUS_FILE_CLOSED first,
 * as Windows and Samba answer).
 */
final class IoctlHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception {
        Smb2IoctlRequest req = Smb2IoctlRequest.decode(rc.request);
        if ((req.ctlCode() == Smb2IoctlRequest.FSCTL_VALIDATE_NEGOTIATE_INFO
                || req.ctlCode() == Smb2IoctlRequest.FSCTL_QUERY_NETWORK_INTERFACE_INFO
                || SmbtortureFsctl.takesNoHandle(req.ctlCode()))
                && !req.fileId().equals(Smb2FileId.COMPOUND)) {
            // 3.3.5.15: CtlCodes that take no file handle need FileId 0xFFFFFFFFFFFFFFFF, "then the server MUST
            // fail the request with STATUS_INVALID_PARAMETER" (as Samba, smb2.ioctl.bug14788).
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, String.format(
                    "IOCTL CtlCode 0x%08x with FileId %x:%x (expected: all ones)", req.ctlCode(),
                    req.fileId().persistent(), req.fileId().volatileId()));
        }
        if (req.ctlCode() == Smb2IoctlRequest.FSCTL_VALIDATE_NEGOTIATE_INFO) {
            return validateNegotiate(rc, req);
        }
        if (SmbtortureFsctl.handles(req.ctlCode())) {
            return SmbtortureFsctl.handle(rc, req);
        }
        if (req.ctlCode() == Smb2IoctlRequest.FSCTL_QUERY_NETWORK_INTERFACE_INFO) {
            if (!Smb2Dialect.isSmb3(rc.conn.dialect())
                    || (rc.conn.serverCapabilities() & Connection.CAP_MULTI_CHANNEL) == 0) {
                // 3.3.5.15.11: "If Connection.Dialect does not belong to the SMB 3.x dialect family or
                // Connection.ServerCapabilities does not include SMB2_GLOBAL_CAP_MULTI_CHANNEL, the server MAY
                // fail the request with STATUS_NOT_SUPPORTED" (Samba 4.17 answers INVALID_DEVICE_REQUEST)
                throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "FSCTL_QUERY_NETWORK_INTERFACE_INFO on a "
                        + Smb2Dialect.name(rc.conn.dialect()) + " connection without multichannel"
                        + (rc.conn.server().config().multiChannel() ? "" : " (server multi channel support = no)"));
            }
            byte[] out = NetworkInterfaceInfo.encode(rc.conn.server().config());
            if (out.length > req.maxOutputResponse()) {
                // 3.3.5.15.11: a MaxOutputResponse too small for the NETWORK_INTERFACE_INFO list is
                // STATUS_BUFFER_TOO_SMALL (as Samba, smb2.ioctl.bug14788).
                throw new Smb2Exception(NtStatus.BUFFER_TOO_SMALL, "FSCTL_QUERY_NETWORK_INTERFACE_INFO needs "
                        + out.length + " bytes, MaxOutputResponse is " + req.maxOutputResponse());
            }
            return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out));
        }
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.ioctl(rc, req);
        }
        Open open = rc.open(req.fileId());
        if (req.ctlCode() == Smb2IoctlRequest.FSCTL_CREATE_OR_GET_OBJECT_ID) {
            return objectId(rc, req, open);
        }
        if (ServerSideCopy.handles(req.ctlCode())) {
            return ServerSideCopy.handle(rc, req, open);
        }
        if (SparseFiles.handles(req.ctlCode())) {
            return SparseFiles.handle(rc, req, open);
        }
        if (req.ctlCode() == Compression.FSCTL_GET_COMPRESSION) {
            return Compression.get(req);
        }
        if (req.ctlCode() == Compression.FSCTL_SET_COMPRESSION) {
            return Compression.set(req);
        }
        throw new Smb2Exception(NtStatus.NOT_SUPPORTED, String.format("IOCTL CtlCode 0x%08x is not supported",
                req.ctlCode()));
    }

    /** The control codes a client may send before it has a session (SessionId 0). */
    static boolean needsNoSession(io.swrap.smb.smb2.codec.Smb2Request req) {
        int b = io.swrap.smb.smb2.codec.Smb2Header.SIZE;
        return req.content().readableBytes() >= b + 8
                && req.content().getIntLE(b + 4) == SmbtortureFsctl.FORCE_UNACKED_TIMEOUT;
    }

    /**
     * FILE_OBJECTID_BUFFER: ObjectId (16), BirthVolumeId (16), BirthObjectId (16), DomainId (16). The object id
     * is derived from the inode and the share, so it is stable for the file's life without being stored.
     */
    private static Reply objectId(RequestContext rc, Smb2IoctlRequest req, Open open) throws Smb2Exception {
        if (req.maxOutputResponse() < 64) {
            throw new Smb2Exception(NtStatus.BUFFER_TOO_SMALL, "FSCTL_CREATE_OR_GET_OBJECT_ID needs 64 bytes, "
                    + "MaxOutputResponse is " + req.maxOutputResponse());
        }
        long inode;
        try {
            inode = FileInfo.of(open.handle()).fileId();
        } catch (java.io.IOException e) {
            throw io.swrap.smb.vfs.Vfs.toSmb(e, "object id of " + open.path());
        }
        long volume = rc.tree.share().name().hashCode();
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(inode).putLong(volume).putLong(volume).putLong(0).putLong(inode).putLong(volume);
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array()));
    }

    /**
     * Input: Capabilities (4), Guid (16), SecurityMode (2), DialectCount (2), Dialects. Any mismatch with
     * what the NEGOTIATE carried means tampering: "the server MUST terminate the transport connection".
     * Output: Capabilities (4), Guid (16), SecurityMode (2), Dialect (2).
     */
    private static Reply validateNegotiate(RequestContext rc, Smb2IoctlRequest req) throws Smb2Exception {
        Connection c = rc.conn;
        if (c.dialect() == Smb2Dialect.SMB3_11) {
            rc.disconnect("FSCTL_VALIDATE_NEGOTIATE_INFO on a 3.1.1 connection");
            return null;
        }
        ByteBuf in = req.input();
        if (in.readableBytes() < 24 || req.maxOutputResponse() < 24) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "VALIDATE_NEGOTIATE_INFO input of "
                    + in.readableBytes() + " bytes, MaxOutputResponse " + req.maxOutputResponse() + " (expected: >= 24)");
        }
        int count = in.getUnsignedShortLE(in.readerIndex() + 22);
        if (in.readableBytes() < 24 + 2 * count) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "VALIDATE_NEGOTIATE_INFO DialectCount " + count
                    + " exceeds its " + in.readableBytes() + "-byte input");
        }
        byte[] guid = new byte[16];
        in.getBytes(in.readerIndex() + 4, guid);
        int[] dialects = new int[count];
        for (int i = 0; i < count; i++) {
            dialects[i] = in.getUnsignedShortLE(in.readerIndex() + 24 + 2 * i);
        }
        if (in.getIntLE(in.readerIndex()) != c.clientCapabilities() || !Arrays.equals(guid, c.clientGuid())
                || in.getUnsignedShortLE(in.readerIndex() + 20) != c.clientSecurityMode()
                || !Arrays.equals(dialects, c.clientDialects())) {
            rc.disconnect("FSCTL_VALIDATE_NEGOTIATE_INFO does not match the NEGOTIATE request");
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(c.serverCapabilities()).put(c.server().serverGuid()).putShort((short) c.serverSecurityMode())
                .putShort((short) c.dialect());
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array()));
    }
}
