package io.swrap.agent.table;

import io.swrap.agent.SwrapLog;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * This process's wrapped sockets, by file descriptor number. Only sockets are kept here, and each
 * entry is removed before its descriptor is closed, so a number the kernel reuses never finds a
 * stale entry.
 */
public final class SocketTable {
    private final Map<Integer, SocketInfo> byFd = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int limit;

    public SocketTable(int limit) {
        this.limit = limit;
    }

    /** Reserves room for one more socket; fails like C (ENFILE) but says which limit was hit. */
    public void reserve() throws SocketException {
        while (true) {
            int n = count.get();
            if (n >= limit) {
                SwrapLog.error("swrap_socket", "too many wrapped sockets (limit " + limit + ")");
                throw new SocketException("Too many open files in system: too many wrapped sockets (limit "
                        + limit + ", SOCKET_WRAPPER_MAX_SOCKETS)");
            }
            if (count.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /** Gives back a reservation that did not become a socket. */
    public void unreserve() {
        count.decrementAndGet();
    }

    /** Records a socket whose room was reserved. */
    public void put(int fd, SocketInfo info) {
        SocketInfo old = byFd.put(fd, info);
        if (old != null) {
            // the descriptor was closed behind the agent's back (e.g. by a Cleaner): its room is free again
            count.decrementAndGet();
        }
    }

    public SocketInfo get(int fd) {
        return byFd.get(fd);
    }

    public SocketInfo remove(int fd) {
        SocketInfo info = byFd.remove(fd);
        if (info != null) {
            count.decrementAndGet();
        }
        return info;
    }

    public int size() {
        return count.get();
    }

    public void forEach(BiConsumer<Integer, SocketInfo> action) {
        byFd.forEach(action);
    }
}
