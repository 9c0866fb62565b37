package io.swrap.agent.table;

import java.net.SocketOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's view of one descriptor of a wrapped socket: the index of its shared record, and
 * the socket options the agent emulates. Options stay in the process that set them, as options
 * of an inet socket would not survive an AF_UNIX descriptor being passed.
 */
public final class Handle {
    final int index;
    private volatile Map<SocketOption<?>, Object> options;
    /** A connected datagram socket's pending ICMP-like error: its peer's port was unreachable. */
    private boolean portUnreachable;
    /** A connected datagram socket's peer, resolved once for the I/O path (owned by net/Datagrams). */
    private volatile Object datagramPeer;
    /** When this descriptor last sent under an emulated latency (System.nanoTime; 0: never); see shaping/LinkShaper. */
    private volatile long lastSend;

    Handle(int index) {
        this.index = index;
    }

    /** The record's index in the shared table. */
    public int index() {
        return index;
    }

    /** Emulated socket options, created on first use. */
    public Map<SocketOption<?>, Object> options() {
        Map<SocketOption<?>, Object> m = options;
        if (m == null) {
            synchronized (this) {
                m = options;
                if (m == null) {
                    options = m = new ConcurrentHashMap<>();
                }
            }
        }
        return m;
    }

    /** A send of this connected datagram socket found no peer: the next call reports it, as Linux does. */
    public synchronized void portUnreachable() {
        portUnreachable = true;
    }

    /** Takes the pending error: true once per {@link #portUnreachable()}. */
    public synchronized boolean takePortUnreachable() {
        boolean was = portUnreachable;
        portUnreachable = false;
        return was;
    }

    public Object datagramPeer() {
        return datagramPeer;
    }

    public void datagramPeer(Object peer) {
        datagramPeer = peer;
    }

    public long lastSend() {
        return lastSend;
    }

    public void lastSend(long nanos) {
        lastSend = nanos;
    }

    @Override
    public String toString() {
        return "socket#" + index;
    }
}
