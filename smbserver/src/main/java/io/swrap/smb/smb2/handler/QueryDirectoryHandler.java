package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2OutputBufferResponse;
import io.swrap.smb.smb2.codec.Smb2QueryDirectoryRequest;
import io.swrap.smb.smb2.fscc.DirectoryInformation;
import io.swrap.smb.smb2.fscc.Wildcard;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import io.swrap.smb.vfs.Share;
import io.swrap.smb.vfs.Vfs;
import io.swrap.smb.vfs.VfsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * [MS-SMB2] 3.3.5.18 Receiving an SMB2 QUERY_DIRECTORY Request. The directory is scanned once per
 * enumeration (on the first query, RESTART_SCANS or REOPEN) into a sorted name list that includes "."
 * and ".."; the pattern of that first query holds until the next restart. Entries that vanish between
 * scan and answer are skipped.
 */
final class QueryDirectoryHandler implements Smb2CommandHandler {
    @Override
    public Reply handle(RequestContext rc) throws Smb2Exception, IOException {
        Smb2QueryDirectoryRequest req = Smb2QueryDirectoryRequest.decode(rc.request);
        Open open = rc.open(req.fileId());
        if (!open.isDirectory()) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "QUERY_DIRECTORY on a file handle");
        }
        if (!DirectoryInformation.supported(req.infoClass())) {
            throw new Smb2Exception(NtStatus.INVALID_INFO_CLASS, "QUERY_DIRECTORY information class "
                    + req.infoClass() + " (expected: 1, 2, 3, 12, 37, 38)");
        }
        boolean restart = (req.flags() & (Smb2QueryDirectoryRequest.RESTART_SCANS | Smb2QueryDirectoryRequest.REOPEN)) != 0;
        boolean first = open.listing == null;
        if (first || restart) {
            String pattern = req.pattern().isEmpty() ? "*" : req.pattern();
            open.listing = scan(open, pattern);
            open.listingIndex = 0;
            open.listingPattern = pattern;
            if (open.listing.isEmpty()) {
                throw new Smb2Exception(NtStatus.NO_SUCH_FILE, "no entry matches '" + pattern + "'");
            }
        }
        if (open.listingIndex >= open.listing.size()) {
            throw new Smb2Exception(NtStatus.NO_MORE_FILES, "enumeration of '" + open.listingPattern + "' is complete");
        }
        boolean single = (req.flags() & Smb2QueryDirectoryRequest.RETURN_SINGLE_ENTRY) != 0;
        int limit = Math.min(req.outputBufferLength(), rc.conn.maxTransactSize());
        ByteBuf out = rc.ctx.alloc().buffer();
        int previous = -1;
        while (open.listingIndex < open.listing.size()) {
            String name = open.listing.get(open.listingIndex);
            FileInfo f = info(open, name);
            if (f == null) {
                open.listingIndex++;
                continue;
            }
            int start = previous < 0 ? 0 : (out.writerIndex() + 7) & ~7;
            if (start + DirectoryInformation.size(req.infoClass(), name) > limit) {
                break;
            }
            if (previous >= 0) {
                DirectoryInformation.link(out, previous);
            }
            previous = out.writerIndex();
            DirectoryInformation.write(out, req.infoClass(), name, f);
            open.listingIndex++;
            if (single) {
                break;
            }
        }
        if (previous < 0) {
            out.release();
            if (open.listingIndex >= open.listing.size()) {
                throw new Smb2Exception(NtStatus.NO_MORE_FILES, "remaining entries vanished");
            }
            throw new Smb2Exception(NtStatus.INFO_LENGTH_MISMATCH, "OutputBufferLength " + req.outputBufferLength()
                    + " cannot hold one entry");
        }
        return Reply.ok(new Smb2OutputBufferResponse(out));
    }

    private static List<String> scan(Open dir, String pattern) throws Smb2Exception {
        List<String> names = new ArrayList<>();
        for (String dot : new String[] {".", ".."}) {
            if (Wildcard.matches(pattern, dot)) {
                names.add(dot);
            }
        }
        List<String> entries = new ArrayList<>();
        try {
            for (String n : dir.handle().list()) {
                if (Wildcard.matches(pattern, n)) {
                    entries.add(n);
                }
            }
        } catch (VfsException e) {
            throw Vfs.toSmb(e, "listing " + dir.path());
        }
        entries.sort(String.CASE_INSENSITIVE_ORDER);
        names.addAll(entries);
        return names;
    }

    /**
     * The entry's attributes, read relative to the directory's descriptor without following a symlink out of
     * the share; null if it disappeared since the scan or is a symlink whose target is outside (not listed).
     */
    private static FileInfo info(Open dir, String name) throws IOException {
        Share share = dir.tree().share();
        if (name.equals(".")) {
            return FileInfo.of(dir.handle());
        }
        String dirRel = share.rel(dir.path());
        Vfs vfs = share.vfs();
        if (name.equals("..")) {
            // the root's ".." is the root itself: nothing above the share is shown
            try (Vfs.Handle parent = vfs.open(dirRel.contains("/") ? dirRel.substring(0, dirRel.lastIndexOf('/')) : "")) {
                return FileInfo.of(parent);
            } catch (VfsException e) {
                return null;
            }
        }
        try (Vfs.Handle h = vfs.entry(dir.handle(), dirRel, name)) {
            return h == null ? null : FileInfo.of(h);
        }
    }
}
