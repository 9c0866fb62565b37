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

    @Override
    public String toString() {
        return "socket#" + index;
    }
}
