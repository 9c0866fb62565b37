package io.swrap.smb.smb2.handler;

import io.swrap.smb.oplock.Granted;
import io.swrap.smb.oplock.OplockLevel;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2CreateResponse;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.smb2.codec.Smb2FileId;
import io.swrap.smb.state.DurableOpens;
import io.swrap.smb.state.Open;
import io.swrap.smb.vfs.FileInfo;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * [MS-SMB2] 3.3.5.9.7 DHnC and 3.3.5.9.12 DH2C: a client reconnects, in a new session, a durable open
 * that was kept after its old session lost its last channel. The open keeps its FileId, file, share mode,
 * locks and oplock or lease; it must be reclaimed by the same user, for v2 with its CreateGuid, and a
 * leased open only with its lease key and name. Whatever does not match is
 * STATUS_OBJECT_NAME_NOT_FOUND (the open "does not exist" for this client), a foreign user
 * STATUS_ACCESS_DENIED.
 */
final class DurableReconnect {
    private DurableReconnect() {
    }

    static Reply reconnect(RequestContext rc, Smb2CreateRequest req, DurableContext durable)
            throws Smb2Exception, IOException {
        DurableOpens table = rc.conn.server().durableOpens();
        long id = durable.fileId().persistent();
        Open open = table.find(id);
        String what = (durable.v2() ? "DH2C" : "DHnC") + " reconnect of FileId " + Long.toHexString(id);
        // the RqLs context names the lease whatever the RequestedOplockLevel (smbtorture's reconnects send
        // level NONE with it, and Samba reads it so); an all-zero key names none
        LeaseContext lc = LeaseContext.request(req, rc.conn);
        byte[] leaseKey = lc == null || Arrays.equals(lc.key(), new byte[lc.key().length]) ? null : lc.key();
        DurableClaim claim = new DurableClaim(durable.v2(), durable.createGuid(), rc.session.user(),
                rc.tree.share().name(), rc.conn.client() != null ? rc.conn.client().guid() : null, leaseKey,
                req.name());
        if (open == null) {
            // in a prefork server the open may be kept by the worker its old connection was in
            return DurableHandover.claim(rc, req, id, claim, what);
        }
        Granted held = rc.conn.server().oplocks().held(open.owner());
        check(what, open, held, claim);
        if (!table.take(open)) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": the open expired or was closed");
        }
        open.reattach(rc.tree);
        open.channelSequence(rc.request.header().status() & 0xFFFF);
        rc.session.addOpen(open);
        rc.conn.compound().use(open.persistentId(), open.volatileId());
        return Reply.ok(response(rc, req, open, held, FileInfo.of(open.handle())));
    }

    /**
     * Whether {@code open} may be reconnected by {@code c} (3.3.5.9.7, 3.3.5.9.12); {@code held} is what it holds.
     *
     * @throws Smb2Exception OBJECT_NAME_NOT_FOUND (it "does not exist" for this client), ACCESS_DENIED (another
     *     user's), INVALID_PARAMETER (a leased open reclaimed under another name)
     */
    static void check(String what, Open open, Granted held, DurableClaim c) throws Smb2Exception {
        // Samba checks the CreateGuid of a DH2C only, not the ClientGuid (smb2.durable-v2-open.reopen2 reconnects
        // from a new one); an open made durable by a DHnQ has the zero CreateGuid
        byte[] guid = open.createGuid() != null ? open.createGuid() : new byte[16];
        if (c.v2() && !Arrays.equals(guid, c.createGuid())) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": the CreateGuid differs from the open's");
        }
        if (c.user().isEmpty()) {
            // a session re-authenticated as anonymous acts for nobody: "" would match any other such session
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, what + ": the session re-authenticated as anonymous");
        }
        if (!Objects.equals(open.tree().session().user(), c.user())) {
            throw new Smb2Exception(NtStatus.ACCESS_DENIED, what + ": the open belongs to user "
                    + open.tree().session().user() + ", not " + c.user());
        }
        if (!open.tree().share().name().equalsIgnoreCase(c.share())) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": the open is on share ["
                    + open.tree().share().name() + "], not [" + c.share() + "]");
        }
        boolean leased = held != null && held.isLease();
        byte[] key = c.leaseKey();
        if (leased != (key != null) || leased && !Arrays.equals(key, held.leaseKey())) {
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": " + (leased
                    ? "the open holds a lease the reconnect does not name" : "the open holds no lease"));
        }
        if (leased && !Objects.equals(open.clientGuid(), c.clientGuid())) {
            // 3.3.5.9.7/3.3.5.9.12: a lease belongs to its ClientGuid; another client's reconnect does not find it
            throw new Smb2Exception(NtStatus.OBJECT_NAME_NOT_FOUND, what + ": the leased open belongs to ClientGuid "
                    + open.clientGuid() + ", the reconnect comes from " + c.clientGuid());
        }
        if (leased && !open.tree().share().resolve(c.name()).path().equals(open.path())) {
            // as Samba: a leased open must be reclaimed under its name (an oplocked one under any)
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, what + ": name '" + c.name()
                    + "' is not the leased open's " + open.path().getFileName());
        }
    }

    /** The CREATE response of a reconnected {@code open}, which holds {@code held}; {@code f}: its file now. */
    static Smb2CreateResponse response(RequestContext rc, Smb2CreateRequest req, Open open, Granted held,
            FileInfo f) {
        FileInfo info = f.allocatedAtLeast(open.allocation());
        List<Smb2CreateContext> contexts = CreateHandler.responseContexts(req, info, rc.tree.maximalAccess());
        // no DHnQ/DH2Q answer to a reconnect (Samba's tests: "no dh2q response blob")
        if (held != null && held.isLease()) {
            contexts.add(LeaseContext.response(held));
        }
        return new Smb2CreateResponse(held != null ? held.level() : OplockLevel.NONE,
                Smb2CreateResponse.FILE_OPENED, info.creationTime(), info.lastAccessTime(), info.lastWriteTime(),
                info.changeTime(), info.allocationSize(), info.endOfFile(), info.attributes(),
                new Smb2FileId(open.persistentId(), open.volatileId()), contexts);
    }
}
