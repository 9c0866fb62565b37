package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swrap.smb.security.AccessCheck;
import io.swrap.smb.security.StoredAcl;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2OutputBufferResponse;
import io.swrap.smb.smb2.codec.Smb2QueryInfoRequest;
import io.swrap.smb.smb2.fscc.FileInformation;
import io.swrap.smb.smb2.fscc.FsInformation;
import io.swrap.smb.smb2.fscc.InfoBuffer;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.ExtendedAttributes;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.vfs.Vfs;
import java.io.IOException;

/**
 * [MS-SMB2] 3.3.5.20 Receiving an SMB2 QUERY_INFO Request for SMB2_0_INFO_FILE and
 * SMB2_0_INFO_FILESYSTEM. A result longer than OutputBufferLength is truncated with
 * STATUS_BUFFER_OVERFLOW for variable-size classes and refused with STATUS_INFO_LENGTH_MISMATCH otherwise.
 * Security descriptors are the stored ones ({@link StoredAcl}); quotas are not supported. The stat, xattr and
 * statvfs calls run on the I/O pool.
 */
final class QueryInfoHandler implements Smb2CommandHandler {
    /** [MS-SMB2] 3.3.5.20.3: the stored descriptor's parts AdditionalInformation names; READ_CONTROL needed. */
    private static RequestContext.IoWork<InfoBuffer> securityDescriptor(RequestContext rc, Smb2QueryInfoRequest req,
            Open open) throws Smb2Exception {
        if (!open.has(AccessCheck.READ_CONTROL)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "reading the security descriptor needs READ_CONTROL; the"
                    + " handle has 0x" + Integer.toHexString(open.access()));
        }
        Vfs.Handle h = open.handle();
        ByteBufAllocator alloc = rc.ctx.alloc();
        return () -> {
            byte[] sd = StoredAcl.of(h).encode(req.additionalInformation());
            return new InfoBuffer(alloc.buffer(sd.length).writeBytes(sd), sd.length);
        };
    }

    /** FileFullEaInformation: every EA of the file ([MS-FSCC] 2.4.15); none is NO_EAS_ON_FILE, as Windows. */
    private static RequestContext.IoWork<InfoBuffer> fullEa(RequestContext rc, Open open) {
        Vfs.Handle h = open.handle();
        String name = rc.tree.share().relativeName(open.path());
        ByteBufAllocator alloc = rc.ctx.alloc();
        return () -> {
            var eas = ExtendedAttributes.read(h);
            if (eas.isEmpty()) {
                throw new Smb2Exception(NtStatus.NO_EAS_ON_FILE, name + " has no EAs");
            }
            byte[] list = ExtendedAttributes.encode(eas);
            return new InfoBuffer(alloc.buffer(list.length).writeBytes(list), 0);
        };
    }

    /**
     * 3.3.5.20.1: Basic, All, NetworkOpen and AttributeTag need FILE_READ_ATTRIBUTES on the handle, FullEa needs
     * FILE_READ_EA; otherwise STATUS_ACCESS_DENIED.
     */
    private static void checkAccess(Open open, int infoClass) throws Smb2Exception {
        int need = switch (infoClass) {
            case FileInformation.BASIC, FileInformation.ALL, FileInformation.NETWORK_OPEN,
                    FileInformation.ATTRIBUTE_TAG -> AccessMask.FILE_READ_ATTRIBUTES;
            case FileInformation.FULL_EA -> AccessMask.FILE_READ_EA;
            default -> 0;
        };
        if ((open.access() & need) != need) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "information class " + infoClass + " needs access 0x"
                    + Integer.toHexString(need) + "; the handle has 0x" + Integer.toHexString(open.access()));
        }
    }

    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2QueryInfoRequest req = Smb2QueryInfoRequest.decode(rc.request);
        if (PipeHandler.onIpc(rc)) {
            return PipeHandler.queryInfo(rc, req);
        }
        Open open = rc.open(req.fileId());
        Share share = rc.tree.share();
        ByteBufAllocator alloc = rc.ctx.alloc();
        // the stat, xattr and statvfs calls run on the I/O pool; what they need of the open is taken here, on the loop
        RequestContext.IoWork<InfoBuffer> work = switch (req.infoType()) {
            case Smb2QueryInfoRequest.INFO_FILE -> {
                checkAccess(open, req.infoClass());
                if (req.infoClass() == FileInformation.NORMALIZED_NAME && rc.conn.dialect() < Smb2Dialect.SMB3_11) {
                    // 3.3.5.20.1: "If ... FileNormalizedNameInformation and Connection.Dialect is not 3.1.1"
                    throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "FileNormalizedNameInformation needs dialect"
                            + " 3.1.1; the connection has 0x" + Integer.toHexString(rc.conn.dialect()));
                }
                if (req.infoClass() == FileInformation.FULL_EA) {
                    yield fullEa(rc, open);
                }
                if (req.infoClass() == FileInformation.STREAM) {
                    yield () -> StreamOpen.information(rc, open);
                }
                boolean pending = open.deleteOnClose()
                        || rc.conn.server().shareModes().isDeletePending(open.key());
                FileInformation.Handle state = new FileInformation.Handle(share.relativeName(open.path()),
                        open.access(), open.position(), pending);
                Vfs.Handle h = open.handle();
                long allocation = open.allocation();
                yield () -> FileInformation.encode(alloc, req.infoClass(), FileInfo.of(h).allocatedAtLeast(allocation),
                        state);
            }
            case Smb2QueryInfoRequest.INFO_FILESYSTEM -> {
                long started = rc.conn.server().startTime();
                boolean streams = share.config().namedStreams();
                yield () -> FsInformation.encode(alloc, req.infoClass(), share.root(), share.name(), started, streams);
            }
            case Smb2QueryInfoRequest.INFO_SECURITY -> securityDescriptor(rc, req, open);
            default -> throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "QUERY_INFO InfoType " + req.infoType()
                    + " (quota) is not supported");
        };
        return rc.offLoop(work, info -> answer(req, info), info -> info.data().release());
    }

    /** The reply carrying {@code info}, cut to OutputBufferLength as 3.3.5.20 says for its class. */
    private static Reply answer(Smb2QueryInfoRequest req, InfoBuffer info) throws Smb2Exception {
        ByteBuf data = info.data();
        if (req.infoType() == Smb2QueryInfoRequest.INFO_SECURITY && data.readableBytes() > req.outputBufferLength()) {
            // 3.3.5.20.3: "STATUS_BUFFER_TOO_SMALL ... with the required length in ErrorData".
            int size = data.readableBytes();
            data.release();
            throw new Smb2Exception(NtStatus.BUFFER_TOO_SMALL, "security descriptor of " + size
                    + " bytes, OutputBufferLength " + req.outputBufferLength(), new byte[] {(byte) size,
                        (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
        }
        int status = NtStatus.SUCCESS;
        if (data.readableBytes() > req.outputBufferLength()) {
            if (req.outputBufferLength() < info.fixedSize()) {
                int size = data.readableBytes();
                data.release();
                throw new Smb2Exception(NtStatus.INFO_LENGTH_MISMATCH, "information class " + req.infoClass()
                        + " needs " + size + " bytes (" + info.fixedSize() + " fixed), OutputBufferLength is "
                        + req.outputBufferLength());
            }
            data.writerIndex(data.readerIndex() + req.outputBufferLength());
            status = NtStatus.BUFFER_OVERFLOW;
        }
        return new Reply(status, new Smb2OutputBufferResponse(data));
    }
}
