package io.swrap.smb.smb2.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
 * scan and answer are skipped. The scan and the stat of each entry run on the I/O pool.
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
        String rescan = open.listing() == null || restart ? (req.pattern().isEmpty() ? "*" : req.pattern()) : null;
        if (rescan == null && open.listingIndex() >= open.listing().size()) {
            throw new Smb2Exception(NtStatus.NO_MORE_FILES, "enumeration of '" + open.listingPattern() + "' is complete");
        }
        // what the I/O thread needs, taken here: the open's state is the loop's
        Listed dir = new Listed(open.tree().share(), open.tree().share().rel(open.path()), open.handle(),
                rescan == null ? open.listing() : null, rescan == null ? open.listingIndex() : 0);
        boolean single = (req.flags() & Smb2QueryDirectoryRequest.RETURN_SINGLE_ENTRY) != 0;
        int limit = Math.min(req.outputBufferLength(), rc.conn.maxTransactSize());
        ByteBufAllocator alloc = rc.ctx.alloc();
        return rc.offLoop(() -> page(dir, rescan, req.infoClass(), limit, single, alloc), p -> {
            if (rescan != null) {
                open.listing(p.listing(), rescan);
            }
            open.listingIndex(p.index());
            if (p.out() == null) {
                throw new Smb2Exception(p.status(), p.why());
            }
            return Reply.ok(new Smb2OutputBufferResponse(p.out()));
        }, p -> {
            if (p.out() != null) {
                p.out().release();
            }
        });
    }

    /** The directory as the I/O thread sees it: where it is, and the enumeration so far (null: scan it). */
    private record Listed(Share share, String dirRel, Vfs.Handle handle, List<String> listing, int index) {
    }

    /** One answer: the entries, or (out null) the status that ends the enumeration; where it stands after it. */
    private record Page(List<String> listing, int index, ByteBuf out, int status, String why) {
    }

    /** Runs on the I/O pool: the scan (when asked) and a stat of every entry answered. */
    private static Page page(Listed dir, String rescan, int infoClass, int limit, boolean single, ByteBufAllocator alloc)
            throws Smb2Exception, IOException {
        List<String> listing = rescan != null ? scan(dir, rescan) : dir.listing();
        int index = dir.index();
        if (listing.isEmpty()) {
            return new Page(listing, index, null, NtStatus.NO_SUCH_FILE, "no entry matches '" + rescan + "'");
        }
        ByteBuf out = alloc.buffer();
        try {
            int previous = -1;
            while (index < listing.size()) {
                String name = listing.get(index);
                FileInfo f = info(dir, name);
                if (f == null) {
                    index++;
                    continue;
                }
                int start = previous < 0 ? 0 : (out.writerIndex() + 7) & ~7;
                if (start + DirectoryInformation.size(infoClass, name) > limit) {
                    break;
                }
                if (previous >= 0) {
                    DirectoryInformation.link(out, previous);
                }
                previous = out.writerIndex();
                DirectoryInformation.write(out, infoClass, name, f);
                index++;
                if (single) {
                    break;
                }
            }
            if (previous < 0) {
                out.release();
                return index >= listing.size()
                        ? new Page(listing, index, null, NtStatus.NO_MORE_FILES, "remaining entries vanished")
                        : new Page(listing, index, null, NtStatus.INFO_LENGTH_MISMATCH, "a buffer of "
                                + limit + " bytes (OutputBufferLength, MaxTransactSize) cannot hold one entry");
            }
            return new Page(listing, index, out, NtStatus.SUCCESS, null);
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static List<String> scan(Listed dir, String pattern) throws Smb2Exception {
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
            throw Vfs.toSmb(e, "listing " + dir.share().name() + "/" + dir.dirRel());
        }
        entries.sort(String.CASE_INSENSITIVE_ORDER);
        names.addAll(entries);
        return List.copyOf(names);
    }

    /**
     * The entry's attributes, read relative to the directory's descriptor without following a symlink out of
     * the share; null if it disappeared since the scan or is a symlink whose target is outside (not listed).
     */
    private static FileInfo info(Listed dir, String name) throws IOException {
        if (name.equals(".")) {
            return FileInfo.of(dir.handle());
        }
        String dirRel = dir.dirRel();
        Vfs vfs = dir.share().vfs();
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
