package io.swrap.agent.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * This process's descriptor → {@link Handle} map: an array indexed by descriptor number, read
 * without a lock because every read/write of a wrapped socket looks it up. An entry is set before
 * its descriptor reaches the program and removed before close(2), so a reader never meets a
 * reused number's stale entry.
 */
final class FdMap {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Handle[].class);

    private volatile Handle[] byFd = new Handle[256];
    private int size;

    Handle get(int fd) {
        Handle[] a = byFd;
        return fd >= 0 && fd < a.length ? (Handle) SLOT.getAcquire(a, fd) : null;
    }

    /** Maps {@code fd}; returns the entry it replaces (its descriptor was closed behind the agent's back). */
    synchronized Handle put(int fd, Handle h) {
        Handle[] a = byFd;
        if (fd >= a.length) {
            Handle[] grown = new Handle[Math.max(fd + 1, a.length * 2)];
            System.arraycopy(a, 0, grown, 0, a.length);
            byFd = a = grown;
        }
        Handle old = a[fd];
        SLOT.setRelease(a, fd, h);
        if (old == null) {
            size++;
        }
        return old;
    }

    synchronized Handle remove(int fd) {
        Handle[] a = byFd;
        if (fd < 0 || fd >= a.length || a[fd] == null) {
            return null;
        }
        Handle old = a[fd];
        SLOT.setRelease(a, fd, null);
        size--;
        return old;
    }

    synchronized int size() {
        return size;
    }

    /** Calls {@code action} with every descriptor and its handle (a snapshot, no lock). */
    void forEach(java.util.function.BiConsumer<Integer, Handle> action) {
        Handle[] a = byFd;
        for (int fd = 0; fd < a.length; fd++) {
            Handle h = (Handle) SLOT.getAcquire(a, fd);
            if (h != null) {
                action.accept(fd, h);
            }
        }
    }

    /** Removes every entry. */
    synchronized void clear() {
        Handle[] a = byFd;
        for (int fd = 0; fd < a.length; fd++) {
            SLOT.setRelease(a, fd, null);
        }
        size = 0;
    }
}
