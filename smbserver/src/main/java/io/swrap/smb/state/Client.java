package io.swrap.smb.state;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All connections that negotiated 2.1 or later with one ClientGuid ([MS-SMB2] 3.3.1.7
 * Connection.ClientGuid), and the sessions they created: the part of GlobalSessionTable (3.3.1.5) a
 * binding SESSION_SETUP may name (3.3.5.5: a session of another ClientGuid "MAY" be refused with
 * STATUS_USER_SESSION_DELETED, and is). Samba's smbXsrv_client.
 *
 * <p>Every connection of a client lives on the client's one {@link #loop() event loop} (the NEGOTIATE
 * step moves a connection there), so this object, its sessions and their channels are touched from that
 * loop only and need no locks. {@link ServerState#clients()} maps ClientGuids to clients.
 */
public final class Client {
    private final String guid;
    private final EventLoop loop;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<Long, Session> sessions = new HashMap<>();
    private boolean closed;

    Client(String guid, EventLoop loop) {
        this.guid = guid;
        this.loop = loop;
    }

    /** The ClientGuid in hex, as the key of {@link ServerState#clients()}. */
    public String guid() {
        return guid;
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * Adds {@code conn} (on {@link #loop()}); false when the client has just lost its last connection and
     * is being forgotten, so the caller looks the ClientGuid up again.
     */
    boolean add(Connection conn) {
        if (closed) {
            return false;
        }
        connections.add(conn);
        return true;
    }

    /** Removes {@code conn}; the last one closes the client and removes it from the server's table. */
    void remove(Connection conn, Map<String, Client> table) {
        connections.remove(conn);
        if (connections.isEmpty()) {
            closed = true;
            table.remove(guid, this);
        }
    }

    /** The connections in the order they negotiated. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    public Session session(long id) {
        return sessions.get(id);
    }

    void addSession(Session s) {
        sessions.put(s.id(), s);
    }

    /** The sessions with a channel on {@code conn}, bound or with a bind in progress. */
    List<Session> sessionsWithChannel(Connection conn) {
        return sessions.values().stream().filter(s -> s.channel(conn) != null).toList();
    }

    void removeSession(Session s) {
        sessions.remove(s.id(), s);
    }
}
