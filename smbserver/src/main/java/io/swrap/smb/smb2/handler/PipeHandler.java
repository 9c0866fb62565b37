package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.rpc.Pipe;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CloseResponse;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;
import io.swrap.smb.smb2.codec.Smb2OutputBufferResponse;
import io.swrap.smb.smb2.codec.Smb2QueryInfoRequest;
import io.swrap.smb.smb2.codec.Smb2ReadRequest;
import io.swrap.smb.smb2.codec.Smb2ReadResponse;
import io.swrap.smb.smb2.codec.Smb2WriteRequest;
import io.swrap.smb.smb2.codec.Smb2WriteResponse;
import java.util.List;

/**
 * CREATE, READ, WRITE, IOCTL FSCTL_PIPE_TRANSCEIVE, QUERY_INFO and CLOSE on the named pipes of an IPC$ tree
 * ({@link io.swrap.smb.rpc.Pipe}): the SMB2 side of DCE/RPC over ncacn_np. A pipe's CREATE response is Samba
 * 4.17's (captured): FILE_OPENED, every time 1970-01-01 (the Unix epoch), AllocationSize and EndOfFile 0,
 * FILE_ATTRIBUTE_NORMAL; QUERY_INFO answers FileStandardInformation only, with Samba's fake values for a pipe.
 */
final class PipeHandler {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Pipe.class.getName());
    static final int FSCTL_PIPE_TRANSCEIVE = 0x0011C017;
    static final int STATUS_PIPE_EMPTY = 0xC00000D9;
    private static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    private static final int PIPE_ALLOCATION_SIZE = 4096;
    /** 1970-01-01T00:00:00Z as a FILETIME: the times of a pipe open. */
    private static final long UNIX_EPOCH_FILETIME = 116_444_736_000_000_000L;
    private static final int FILE_STANDARD_INFORMATION = 5;

    private PipeHandler() {
    }

    /** Whether the request names a tree of IPC$ (requests without a tree, such as session-less IOCTLs, do not). */
    static boolean onIpc(RequestContext rc) {
        return rc.tree != null && rc.tree.share().isIpc();
    }

    static Reply create(RequestContext rc, Smb2CreateRequest req) throws Smb2Exception {
        Pipe pipe = rc.conn.server().rpc().open(req.name(),
                msg -> rc.conn.peerLog().log(LOG, java.util.logging.Level.INFO, msg));
        if (pipe == null) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "named pipe '" + req.name()
                    + "' does not exist (IPC$ offers srvsvc, wkssvc, lsarpc)");
        }
        long id = rc.conn.server().newFileId();
        if (!rc.tree.pipes().add(id, pipe)) {
            throw new Smb2Exception(NtStatus.TOO_MANY_OPENED_FILES, "tree " + rc.tree.id() + " already has "
                    + io.swrap.smb.rpc.PipeTable.MAX_OPEN_PIPES + " pipes open");
        }
        rc.conn.compound().use(id, id);
        long t = UNIX_EPOCH_FILETIME;
        return Reply.ok(new Smb2CreateResponse(0, Smb2CreateResponse.FILE_OPENED, t, t, t, t, 0, 0,
                FILE_ATTRIBUTE_NORMAL, new Smb2FileId(id, id), List.of()));
    }

    private static Pipe pipe(RequestContext rc, Smb2FileId id, boolean remove) throws Smb2Exception {
        Smb2FileId fid = id;
        if (id.equals(Smb2FileId.COMPOUND) && rc.request.header().isRelated()) {
            fid = rc.conn.compound().fileId();
        }
        Pipe p = fid.persistent() != fid.volatileId() ? null
                : remove ? rc.tree.pipes().remove(fid.volatileId()) : rc.tree.pipes().get(fid.volatileId());
        if (p == null) {
            throw new Smb2Exception(NtStatus.FILE_CLOSED, "FileId " + Long.toHexString(fid.persistent()) + ":"
                    + Long.toHexString(fid.volatileId()) + " is not a pipe open on IPC$ tree " + rc.tree.id());
        }
        rc.conn.compound().use(fid.persistent(), fid.volatileId());
        return p;
    }

    static Reply write(RequestContext rc, Smb2WriteRequest req) throws Smb2Exception {
        Pipe p = pipe(rc, req.fileId(), false);
        if (!p.acceptsWrite()) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, "pipe " + p.name() + ": "
                    + Pipe.MAX_PENDING_OUTPUT + " bytes of answers are waiting to be read");
        }
        ByteBuf data = req.data();
        byte[] b = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), b);
        p.write(b);
        return Reply.ok(new Smb2WriteResponse(b.length));
    }

    /** A READ returns the next PDU, or as much of it as fits with STATUS_BUFFER_OVERFLOW (message mode). */
    static Reply read(RequestContext rc, Smb2ReadRequest req) throws Smb2Exception {
        Pipe p = pipe(rc, req.fileId(), false);
        Pipe.Chunk c = p.read(Math.max(0, Math.min(req.length(), rc.conn.maxReadSize())));
        if (c == null) {
            // calls are answered as they arrive, so nothing is on its way: a READ would wait forever
            throw new Smb2Exception(STATUS_PIPE_EMPTY, "READ on pipe " + p.name() + " with no answer waiting");
        }
        return new Reply(c.more() ? NtStatus.BUFFER_OVERFLOW : NtStatus.SUCCESS,
                new Smb2ReadResponse(rc.ctx.alloc().buffer(c.data().length).writeBytes(c.data())));
    }

    static Reply ioctl(RequestContext rc, Smb2IoctlRequest req) throws Smb2Exception {
        Pipe p = pipe(rc, req.fileId(), false);
        if (req.ctlCode() != FSCTL_PIPE_TRANSCEIVE) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, String.format(
                    "IOCTL CtlCode 0x%08x on pipe %s (expected: FSCTL_PIPE_TRANSCEIVE)", req.ctlCode(), p.name()));
        }
        if (!p.acceptsWrite()) {
            throw new Smb2Exception(NtStatus.INSUFFICIENT_RESOURCES, "pipe " + p.name() + ": "
                    + Pipe.MAX_PENDING_OUTPUT + " bytes of answers are waiting to be read");
        }
        ByteBuf in = req.input();
        byte[] b = new byte[in.readableBytes()];
        in.getBytes(in.readerIndex(), b);
        p.write(b);
        Pipe.Chunk c = p.read(Math.max(0, req.maxOutputResponse()));
        if (c == null) {
            return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), new byte[0]));
        }
        return new Reply(c.more() ? NtStatus.BUFFER_OVERFLOW : NtStatus.SUCCESS,
                new Smb2IoctlResponse(req.ctlCode(), req.fileId(), c.data()));
    }

    /** Only FileStandardInformation, with Samba's values for a pipe; anything else is NOT_SUPPORTED. */
    static Reply queryInfo(RequestContext rc, Smb2QueryInfoRequest req) throws Smb2Exception {
        pipe(rc, req.fileId(), false);
        if (req.infoType() != Smb2QueryInfoRequest.INFO_FILE || req.infoClass() != FILE_STANDARD_INFORMATION) {
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, "QUERY_INFO type " + req.infoType() + " class "
                    + req.infoClass() + " on a pipe (expected: FileStandardInformation)");
        }
        if (req.outputBufferLength() < 24) {
            throw new Smb2Exception(NtStatus.INFO_LENGTH_MISMATCH, "FileStandardInformation needs 24 bytes, "
                    + "OutputBufferLength is " + req.outputBufferLength());
        }
        // AllocationSize, EndOfFile, NumberOfLinks 1, DeletePending 1, Directory 0, Reserved
        ByteBuf b = rc.ctx.alloc().buffer(24).writeLongLE(PIPE_ALLOCATION_SIZE).writeLongLE(0).writeIntLE(1)
                .writeByte(1).writeByte(0).writeShortLE(0);
        return Reply.ok(new Smb2OutputBufferResponse(b));
    }

    static Reply close(RequestContext rc, Smb2FileId id) throws Smb2Exception {
        pipe(rc, id, true);
        return Reply.ok(new Smb2CloseResponse(0, 0, 0, 0, 0, 0, 0, 0));
    }
}
