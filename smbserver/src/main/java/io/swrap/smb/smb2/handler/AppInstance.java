package io.swrap.smb.smb2.handler;

import io.netty.channel.EventLoop;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2CreateContext;
import io.swrap.smb.smb2.codec.Smb2CreateRequest;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Exception;
import io.swrap.smb.state.Connection;
import io.swrap.smb.state.DurableOpens;
import io.swrap.smb.state.Open;
import io.swrap.smb.state.ServerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * [MS-SMB2] 2.2.13.2.13 SMB2_CREATE_APP_INSTANCE_ID (StructureSize 2 = 20, Reserved 2, AppInstanceId 16) and
 * 3.3.5.9.13: an application that fails over to another client opens its file again with the same
 * AppInstanceId; the open its old client still holds on that name and share is closed first (not broken:
 * nobody there would answer), so the new one is not refused a sharing violation nor kept waiting for a break.
 * Only opens of another ClientGuid are closed, as the spec says, and only the same user's. The 3.1.1 AppInstanceVersion is not kept.
 */
final class AppInstance {
    private static final Logger LOG = Logger.getLogger(AppInstance.class.getName());
    /** The context's name: the GUID 6AA6BC45-A7EF-4AF7-9008-FA462E144D74 in its wire bytes. */
    static final String NAME = new String(HexFormat.of().parseHex("45bca66aefa7f74a9008fa462e144d74"),
            StandardCharsets.ISO_8859_1);
    private static final int SIZE = 20;
    /** How long the CREATE waits for another client's loop to close its open before it fails. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private AppInstance() {
    }

    /** The AppInstanceId of a 3.x CREATE, or null; a context of the wrong size is INVALID_PARAMETER. */
    static byte[] id(Smb2CreateRequest req, Connection conn) throws Smb2Exception {
        Smb2CreateContext c = req.context(NAME);
        if (c == null || !Smb2Dialect.isSmb3(conn.dialect())) {
            return null;
        }
        byte[] d = c.data();
        if (d.length != SIZE || (d[0] & 0xFF | (d[1] & 0xFF) << 8) != SIZE) {
            throw new Smb2Exception(NtStatus.INVALID_PARAMETER, "SMB2_CREATE_APP_INSTANCE_ID of " + d.length
                    + " bytes, StructureSize " + (d.length < 2 ? "missing" : (d[0] & 0xFF | (d[1] & 0xFF) << 8))
                    + " (expected: " + SIZE + ")");
        }
        return Arrays.copyOfRange(d, 4, SIZE);
    }

    /** The AppInstanceId of a CREATE that {@link #id} accepted, or null: what its open keeps. */
    static byte[] kept(Smb2CreateRequest req, Connection conn) {
        try {
            return id(req, conn);
        } catch (Smb2Exception e) {
            throw new IllegalStateException("the CREATE's AppInstanceId was checked before it was opened", e);
        }
    }

    /**
     * On the loop: the opens with AppInstanceId {@code id} on the CREATE's name and share held by other
     * ClientGuids (3.3.5.9.13).
     */
    static List<Open> previous(RequestContext rc, Smb2CreateRequest req, byte[] id) throws Smb2Exception {
        List<Open> same = new ArrayList<>();
        for (Open o : rc.conn.server().opens()) {
            if (Arrays.equals(o.appInstanceId(), id) && !o.isClosed()) {
                same.add(o);
            }
        }
        if (same.isEmpty()) {
            return same;
        }
        Path target = rc.tree.share().resolve(req.name()).path();
        String client = rc.conn.client() != null ? rc.conn.client().guid() : null;
        // only the same user's opens: an AppInstanceId is the client's word, and another user who learnt it
        // must not be able to close this user's handles (nor may an anonymous session close anybody's)
        String user = rc.session.user();
        same.removeIf(o -> o.tree().share() != rc.tree.share() || !o.path().equals(target)
                || Objects.equals(o.clientGuid(), client) || user.isEmpty()
                || !user.equals(o.tree().session().user()));
        return same;
    }

    /**
     * On the I/O pool: closes each open as its CLOSE would, on the loop that owns it (a disconnected durable
     * one through the durable table), and waits for it.
     */
    static Boolean close(ServerState server, List<Open> opens) throws java.io.IOException {
        DurableOpens durable = server.durableOpens();
        for (Open o : opens) {
            LOG.info("closing open " + Long.toHexString(o.persistentId()) + " of " + o.path() + " of ClientGuid "
                    + o.clientGuid() + ": another client opens it with its AppInstanceId");
            if (durable.isDisconnected(o)) {
                durable.purge(x -> x == o);
                continue;
            }
            EventLoop loop = o.tree().session().connection().channel().eventLoop();
            String what = "closing open " + Long.toHexString(o.persistentId()) + " of " + o.path() + " on its loop";
            try {
                loop.submit(() -> {
                    if (!o.isClosed()) {
                        o.tree().session().closeOpen(o);
                    }
                }).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException(what + ": interrupted (the server is stopping)");
            } catch (ExecutionException e) {
                throw new java.io.IOException(what + " failed", e.getCause());
            } catch (TimeoutException e) {
                throw new java.io.IOException(what + ": not done within " + CLOSE_WAIT_SECONDS + " s (its loop is"
                        + " blocked); the CREATE fails rather than open beside it", e);
            }
        }
        return Boolean.TRUE;
    }
}
