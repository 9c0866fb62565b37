package io.swrap.smb.smb2.handler;

import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ReplayCache;
import io.swrap.smb.vfs.FileInfo;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Replay detection of a CREATE with a DH2Q CreateGuid ([MS-SMB2] 3.3.5.9.10), as Samba does it: a
 * CREATE flagged SMB2_FLAGS_REPLAY_OPERATION whose CreateGuid names an open of the client answers that
 * open again (its FileId, its CreateAction) without touching its state; the oplock level answered is the
 * one the replay asks for, a lease the lease as it is now. A replay while the first CREATE still waits
 * gets STATUS_FILE_NOT_AVAILABLE; a CREATE without the flag that reuses a CreateGuid in the cache gets
 * STATUS_DUPLICATE_OBJECTID.
 */
final class CreateReplay {
    /** A CREATE registered in the replay cache while it runs. */
    record Pending(String key, ReplayCache.Entry entry) {
    }

    /** Either the answer to a replay, or the registration of a new CREATE (null without a ClientGuid). */
    record Lookup(Reply reply, Pending pending) {
    }

    private CreateReplay() {
    }

    static Lookup lookup(RequestContext rc, Smb2CreateRequest req, DurableContext durable)
            throws Smb2Exception, IOException {
        if (rc.conn.client() == null) {
            return new Lookup(null, null);
        }
        ReplayCache cache = rc.conn.server().replayCache();
        String key = ReplayCache.key(rc.conn.client().guid(), durable.createGuid());
        boolean replay = (rc.request.header().flags() & Smb2Header.FLAGS_REPLAY_OPERATION) != 0;
        ReplayCache.Entry e = cache.lookup(key);
        if (e != null) {
            if (!replay) {
                throw new Smb2Exception(NtStatus.DUPLICATE_OBJECTID, "CreateGuid " + key
                        + " is in use by another CREATE of this client (a replay needs SMB2_FLAGS_REPLAY_OPERATION)");
            }
            Open open = e.open();
            if (open == null) {
                throw new Smb2Exception(NtStatus.FILE_NOT_AVAILABLE, "replay of CreateGuid " + key
                        + " while the first CREATE is still waiting for oplock or lease breaks");
            }
            return new Lookup(answer(rc, req, durable, open), null);
        }
        ReplayCache.Entry begun = cache.begin(key);
        if (begun == null) {
            throw new Smb2Exception(NtStatus.FILE_NOT_AVAILABLE, "CreateGuid " + key
                    + " was registered by a concurrent CREATE of this client");
        }
        return new Lookup(null, new Pending(key, begun));
    }

    static void complete(RequestContext rc, Pending p, Open open) {
        if (p != null) {
            rc.conn.server().replayCache().complete(p.key(), p.entry(), open);
        }
    }

    static void abandon(RequestContext rc, Pending p) {
        if (p != null) {
            rc.conn.server().replayCache().abandon(p.key(), p.entry());
        }
    }

    /** The CREATE response of {@code open} again, with the oplock level (or the lease) the replay asks for. */
    private static Reply answer(RequestContext rc, Smb2CreateRequest req, DurableContext durable, Open open)
            throws Smb2Exception, IOException {
        if (open.isClosed() || open.tree().session() != rc.session) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, "replay of a CREATE whose open belongs to another"
                    + " session, or has closed");
        }
        Granted held = rc.conn.server().oplocks().held(open.owner());
        int level = req.oplockLevel();
        if (level == OplockLevel.LEASE) {
            LeaseContext lc = LeaseContext.request(req, rc.conn);
            if (lc == null) {
                level = OplockLevel.NONE;
            } else if (held == null || !held.isLease()) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "replay asks for a lease; the open it replays holds"
                        + " an oplock");
            } else if (!Arrays.equals(lc.key(), held.leaseKey())) {
                throw new Smb2Exception(NtStatus.ACCESS_DENIED, "replay names another lease key than the open it"
                        + " replays");
            }
        }
        FileInfo f = FileInfo.of(open.handle()).allocatedAtLeast(open.allocation());
        List<Smb2CreateContext> contexts = CreateHandler.responseContexts(req, f, rc.tree.maximalAccess());
        // Samba: for a replay the DH2Q answer follows what the replay could have been granted (a batch oplock
        // or a lease), not the open's oplock state, as long as the open is durable
        if (open.isDurable() && (level == OplockLevel.BATCH || level == OplockLevel.LEASE)) {
            contexts.add(DurableContext.response(open.durableV2(), open.durableTimeoutMs()));
        }
        if (level == OplockLevel.LEASE) {
            contexts.add(LeaseContext.response(held));
        }
        rc.conn.compound().use(open.persistentId(), open.volatileId());
        return Reply.ok(new Smb2CreateResponse(level, open.createAction(), f.creationTime(), f.lastAccessTime(),
                f.lastWriteTime(), f.changeTime(), f.allocationSize(), f.endOfFile(), f.attributes(),
                new Smb2FileId(open.persistentId(), open.volatileId()), contexts));
    }
}
