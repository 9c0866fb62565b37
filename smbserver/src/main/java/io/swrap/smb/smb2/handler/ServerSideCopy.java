package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.config.SmbConfig;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2IoctlRequest;
import io.swrap.smb.smb2.codec.Smb2IoctlResponse;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.ChangeNotify;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Server-side copy ([MS-SMB2] 3.3.5.15.6, 3.3.5.15.7): FSCTL_SRV_REQUEST_RESUME_KEY names an open of the
 * session, FSCTL_SRV_COPYCHUNK / _WRITE copy ranges of that open into the IOCTL's open. The source is looked
 * up only among the requesting session's opens, so a key names nothing the session could not read itself.
 * Each chunk is read whole before it is written, so ranges of one file may overlap (smb2.ioctl
 * copy_chunk_src_is_dest_overlap). Limits per request: {@link SmbConfig.RequestLimits#copyChunkMaxChunks()},
 * {@link SmbConfig.RequestLimits#copyChunkMaxChunkSize()}, {@link SmbConfig.RequestLimits#copyChunkMaxData()}.
 */
final class ServerSideCopy {
    private static final Logger LOG = Logger.getLogger(ServerSideCopy.class.getName());
    static final int FSCTL_SRV_REQUEST_RESUME_KEY = 0x00140078;
    static final int FSCTL_SRV_COPYCHUNK = 0x001440F2;
    static final int FSCTL_SRV_COPYCHUNK_WRITE = 0x001480F2;
    /** SRV_REQUEST_RESUME_KEY response: ResumeKey (24), ContextLength (4), Context (4, none). */
    private static final int RESUME_KEY_RESPONSE = 32;
    private static final int RESUME_KEY = 24;
    /** SRV_COPYCHUNK_COPY without its chunks: SourceKey (24), ChunkCount (4), Reserved (4). */
    private static final int COPY_HEADER = 32;
    /** SRV_COPYCHUNK: SourceOffset (8), TargetOffset (8), Length (4), Reserved (4). */
    private static final int CHUNK = 24;
    /** SRV_COPYCHUNK_RESPONSE: ChunksWritten, ChunkBytesWritten, TotalBytesWritten (4 each). */
    private static final int COPY_RESPONSE = 12;

    private ServerSideCopy() {
    }

    static boolean handles(int ctlCode) {
        return ctlCode == FSCTL_SRV_REQUEST_RESUME_KEY || ctlCode == FSCTL_SRV_COPYCHUNK
                || ctlCode == FSCTL_SRV_COPYCHUNK_WRITE;
    }

    static Reply handle(RequestContext rc, Smb2IoctlRequest req, Open open) throws Smb2Exception {
        if ((req.flags() & Smb2IoctlRequest.SMB2_0_IOCTL_IS_FSCTL) == 0) {
            // 3.3.5.15: "If the Flags field of the request is not SMB2_0_IOCTL_IS_FSCTL ... STATUS_NOT_SUPPORTED"
            throw new Smb2Exception(NtStatus.NOT_SUPPORTED, String.format(
                    "IOCTL CtlCode 0x%08x without SMB2_0_IOCTL_IS_FSCTL", req.ctlCode()));
        }
        return req.ctlCode() == FSCTL_SRV_REQUEST_RESUME_KEY ? resumeKey(req, open) : copy(rc, req, open);
    }

    /** The key is the open's FileId, then zeros: it is only ever resolved within the session that owns it. */
    private static Reply resumeKey(Smb2IoctlRequest req, Open open) throws Smb2Exception {
        if (req.maxOutputResponse() < RESUME_KEY_RESPONSE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "FSCTL_SRV_REQUEST_RESUME_KEY needs "
                    + RESUME_KEY_RESPONSE + " bytes, MaxOutputResponse is " + req.maxOutputResponse());
        }
        ByteBuffer out = ByteBuffer.allocate(RESUME_KEY_RESPONSE).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(open.persistentId()).putLong(open.volatileId());
        return Reply.ok(new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array()));
    }

    private static Reply copy(RequestContext rc, Smb2IoctlRequest req, Open target) throws Smb2Exception {
        String name = req.ctlCode() == FSCTL_SRV_COPYCHUNK ? "FSCTL_SRV_COPYCHUNK" : "FSCTL_SRV_COPYCHUNK_WRITE";
        if (req.maxOutputResponse() < COPY_RESPONSE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, name + " needs " + COPY_RESPONSE
                    + " bytes of output, MaxOutputResponse is " + req.maxOutputResponse());
        }
        ByteBuf in = req.input();
        if (in.readableBytes() < COPY_HEADER) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, name + " input of " + in.readableBytes()
                    + " bytes (expected: at least " + COPY_HEADER + ")");
        }
        // 3.3.5.15.6: the target needs FILE_WRITE_DATA, and FILE_READ_DATA too unless it is _WRITE
        if (target.channel() == null || !target.has(AccessMask.FILE_WRITE_DATA)
                || (req.ctlCode() == FSCTL_SRV_COPYCHUNK && !target.has(AccessMask.FILE_READ_DATA))) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, name + " into a handle without FILE_WRITE_DATA"
                    + (req.ctlCode() == FSCTL_SRV_COPYCHUNK ? " and FILE_READ_DATA" : ""));
        }
        SmbConfig.RequestLimits limits = rc.conn.server().config().requestLimits();
        int base = in.readerIndex();
        long count = in.getUnsignedIntLE(base + RESUME_KEY);
        String over = null;
        if (count > limits.copyChunkMaxChunks()) {
            over = count + " chunks (at most " + limits.copyChunkMaxChunks() + ")";
        } else if (in.readableBytes() < COPY_HEADER + count * CHUNK) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, name + " ChunkCount " + count + " exceeds its "
                    + in.readableBytes() + "-byte input");
        }
        long total = 0;
        for (int i = 0; over == null && i < count; i++) {
            long len = in.getUnsignedIntLE(base + COPY_HEADER + i * CHUNK + 16);
            total += len;
            if (len == 0 || len > limits.copyChunkMaxChunkSize()) {
                over = "chunk " + i + " of " + len + " bytes (expected: 1.." + limits.copyChunkMaxChunkSize() + ")";
            } else if (total > limits.copyChunkMaxData()) {
                over = total + " bytes in all (at most " + limits.copyChunkMaxData() + ")";
            }
        }
        if (over != null) {
            // 3.3.5.15.6: INVALID_PARAMETER, the response carrying the server's three limits
            refused(rc, name + " of " + over);
            return new Reply(NtStatus.INVALID_PARAMETER, response(req, limits.copyChunkMaxChunks(),
                    limits.copyChunkMaxChunkSize(), limits.copyChunkMaxData()));
        }
        Open source = resolve(rc, in, name);
        if (source.channel() == null || !source.has(AccessMask.FILE_READ_DATA | AccessMask.FILE_EXECUTE)) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, name + " from a handle without FILE_READ_DATA");
        }
        int written = 0;
        long bytes = 0;
        int status = NtStatus.SUCCESS;
        String failure = null;
        try {
            for (; written < count; written++) {
                int at = base + COPY_HEADER + written * CHUNK;
                long srcOff = in.getLongLE(at);
                long dstOff = in.getLongLE(at + 8);
                int len = (int) in.getUnsignedIntLE(at + 16);
                if (srcOff < 0 || dstOff < 0 || dstOff > Long.MAX_VALUE - len) {
                    status = NtStatus.INVALID_PARAMETER;
                    failure = "chunk " + written + ": offsets " + Long.toUnsignedString(srcOff) + " -> "
                            + Long.toUnsignedString(dstOff);
                    break;
                }
                var locks = rc.conn.server().locks();
                if (locks.conflicts(source.key(), source.owner(), srcOff, len, false)
                        || locks.conflicts(target.key(), target.owner(), dstOff, len, true)) {
                    status = NtStatus.FILE_LOCK_CONFLICT;
                    failure = "chunk " + written + " overlaps a byte-range lock";
                    break;
                }
                if (srcOff > source.channel().size() - len) {
                    // as Windows and Samba (smb2.ioctl.copy_chunk_src_exceed): reading past the source's end
                    status = NtStatus.INVALID_VIEW_SIZE;
                    failure = "chunk " + written + " reads " + srcOff + "+" + len + " past the source's end ("
                            + source.channel().size() + " bytes)";
                    break;
                }
                // read whole before written: source and target ranges of one file may overlap
                ByteBuffer data = ByteBuffer.allocate(len);
                int n;
                do {
                    n = source.channel().read(data, srcOff + data.position());
                } while (n > 0 && data.hasRemaining());
                data.flip();
                while (data.hasRemaining()) {
                    target.channel().write(data, dstOff + data.position());
                }
                bytes += len;
            }
        } catch (IOException e) {
            throw io.swrap.smb.vfs.Vfs.toSmb(e, name + " from " + source.path() + " to " + target.path());
        } finally {
            if (bytes > 0) {
                // as a WRITE ([MS-FSA] 2.1.5.3): the other opens' level II oplocks and read leases break
                BreakSender.send(rc.conn.server(), rc.conn.server().oplocks().written(target.key(), target.owner()));
                rc.conn.server().changeNotify().report(target.path(), ChangeNotify.FILE_ACTION_MODIFIED,
                        ChangeNotify.FILE_NOTIFY_CHANGE_SIZE | ChangeNotify.FILE_NOTIFY_CHANGE_LAST_WRITE);
            }
        }
        if (failure != null) {
            String why = name + ": " + failure + " after " + written + " chunks";
            refused(rc, why);
        }
        // the response counts what was copied, also with an error status (3.3.5.15.6.2)
        return new Reply(status, response(req, written, 0, bytes));
    }

    /** The source open named by SourceKey, among the session's opens. */
    private static Open resolve(RequestContext rc, ByteBuf in, String name) throws Smb2Exception {
        int base = in.readerIndex();
        long persistent = in.getLongLE(base);
        long volatileId = in.getLongLE(base + 8);
        Open o = rc.session.open(volatileId);
        if (o == null || o.persistentId() != persistent || in.getLongLE(base + 16) != 0) {
            // 3.3.5.15.6: "If the open is not found, the server MUST fail the request with
            // STATUS_OBJECT_NAME_NOT_FOUND"
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, name + " SourceKey names no open of this session");
        }
        return o;
    }

    /** One line per refused request, rate-limited per connection, as the dispatcher logs the others. */
    private static void refused(RequestContext rc, String why) {
        rc.conn.peerLog().log(LOG, Level.INFO, () -> rc.request + ": " + why);
    }

    private static Smb2IoctlResponse response(Smb2IoctlRequest req, long chunks, long chunkBytes, long total) {
        ByteBuffer out = ByteBuffer.allocate(COPY_RESPONSE).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt((int) chunks).putInt((int) chunkBytes).putInt((int) total);
        return new Smb2IoctlResponse(req.ctlCode(), req.fileId(), out.array());
    }
}
