package io.swrap.smb.smb2.handler;

import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.fscc.FileInformation;
import io.swrap.smb.smb2.fscc.InfoBuffer;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.NamedStreams;
import io.swrap.smb.vfs.StreamHandle;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.util.List;

/**
 * The named-stream part of a CREATE ({@code file:stream[:$DATA]}, [MS-FSA] 2.1.5.1 for streams) and of
 * QUERY_INFO FileStreamInformation: CreateHandler opens or creates the base file as for any name, then the
 * stream is found (ignoring case) or made on it here. An open of a stream is an open of its own (share modes,
 * oplocks, locks and delete-on-close per stream) whose data are the stream's ({@link StreamHandle}).
 */
final class StreamOpen {
    private StreamOpen() {
    }

    /**
     * The stream part of a CREATE's name. A share without named streams refuses "file:stream" as before
     * (OBJECT_NAME_INVALID); a stream is no directory (NOT_A_DIRECTORY with FILE_DIRECTORY_FILE, as Samba).
     */
    static NamedStreams.Name name(RequestContext rc, Smb2CreateRequest req) throws Smb2Exception {
        NamedStreams.Name n = NamedStreams.parse(req.name());
        if (n.stream() == null) {
            return n;
        }
        if (n.named() && !rc.tree.share().config().namedStreams()) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "name '" + req.name() + "': share ["
                    + rc.tree.share().name() + "] has named streams off (smbserver:max stream size = 0)");
        }
        if ((req.createOptions() & Smb2CreateRequest.FILE_DIRECTORY_FILE) != 0) {
            throw new Smb2Exception(NtStatus.NOT_A_DIRECTORY, "'" + req.name() + "' names a stream, which is no"
                    + " directory (FILE_DIRECTORY_FILE)");
        }
        if (n.base().isEmpty() && n.named()) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_INVALID, "'" + req.name() + "': a stream without a file");
        }
        return n;
    }

    /**
     * The stream of the opened base file {@code base}: the existing one, or (by the disposition) a new one, made
     * at once when the base file was just created and otherwise by {@link #create} after the CREATE's checks.
     * "file::$DATA" of a directory is FILE_IS_A_DIRECTORY.
     *
     * @param baseCreated whether this CREATE made the base file
     * @return {@code base} itself for "file::$DATA", else the stream's handle (which owns {@code base})
     */
    static Vfs.Handle open(Smb2CreateRequest req, NamedStreams.Name n, Vfs.Handle base, boolean baseCreated,
            int maxSize) throws Smb2Exception, IOException {
        boolean dir = base.stat().isDirectory();
        if (!n.named()) {
            if (dir) {
                throw new Smb2Exception(NtStatus.FILE_IS_A_DIRECTORY, "'" + req.name() + "': a directory has no"
                        + " unnamed data stream");
            }
            return base;
        }
        String x = NamedStreams.find(base, n.stream());
        int disp = req.createDisposition();
        if (x != null && disp == Smb2CreateRequest.FILE_CREATE) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_COLLISION, "stream '" + req.name() + "' exists (FILE_CREATE)");
        }
        if (x == null && (disp == Smb2CreateRequest.FILE_OPEN || disp == Smb2CreateRequest.FILE_OVERWRITE)) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, "stream '" + req.name() + "' does not exist");
        }
        StreamHandle s = NamedStreams.open(base, x, n, maxSize);
        if (baseCreated) {
            s.create();
        }
        return s;
    }

    /** Whether {@code h} is a stream this CREATE is to make ({@link #create}). */
    static boolean isNew(Vfs.Handle h) throws VfsException {
        return h instanceof StreamHandle s && s.isPending();
    }

    /**
     * A new stream changes its existing file: it needs FILE_WRITE_DATA by the file's ACL and a file that is not
     * READONLY, whatever access the CREATE asks for the stream.
     */
    static void checkNew(RequestContext rc, Smb2CreateRequest req, Vfs.Handle h, int shareMaximal)
            throws Smb2Exception, IOException {
        if (!isNew(h)) {
            return;
        }
        if ((SecurityAccess.maximal(rc, h, shareMaximal) & AccessMask.FILE_WRITE_DATA) == 0) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "creating stream '" + req.name() + "' needs"
                    + " FILE_WRITE_DATA on its file, which its ACL does not grant this user");
        }
        if ((FileInfo.of(h).attributes() & FileInfo.ATTR_READONLY) != 0) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "creating stream '" + req.name() + "' on a READONLY"
                    + " file");
        }
    }

    /** Makes the new stream of {@code h} (after the checks of an existing base file); FILE_CREATED. */
    static int create(Vfs.Handle h) throws VfsException {
        ((StreamHandle) h).create();
        return Smb2CreateResponse.FILE_CREATED;
    }

    /** FileStreamInformation of the open's file (a stream's open lists its base file's streams). */
    static InfoBuffer information(RequestContext rc, Open open) throws IOException {
        Vfs.Handle base = open.handle() instanceof StreamHandle s ? s.base() : open.handle();
        List<NamedStreams.Stream> streams = rc.tree.share().config().namedStreams() ? NamedStreams.list(base)
                : List.of();
        return FileInformation.streams(rc.ctx.alloc(), FileInfo.of(base), streams);
    }
}
