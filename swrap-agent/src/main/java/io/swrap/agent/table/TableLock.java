package io.swrap.agent.table;

import io.swrap.shm.SharedTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Runs a section under the table lock on a platform thread. The robust mutex belongs to the OS
 * thread that locked it, and a virtual thread may change carrier inside the section, so a
 * section requested on a virtual thread runs on one dedicated platform thread while the virtual
 * thread waits (unmounted). Platform threads lock directly: no hand-off on the common path.
 */
final class TableLock {
    private final SharedTable table;
    private volatile Executor platform;

    TableLock(SharedTable table) {
        this.table = table;
    }

    <T> T call(Supplier<T> section) {
        if (!Thread.currentThread().isVirtual()) {
            return table.withLock(section);
        }
        try {
            // join() waits uninterruptibly: the section runs to its end even if the caller is interrupted
            return CompletableFuture.supplyAsync(() -> table.withLock(section), platform()).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private Executor platform() {
        Executor e = platform;
        if (e == null) {
            synchronized (this) {
                e = platform;
                if (e == null) {
                    platform = e = Executors.newSingleThreadExecutor(
                            Thread.ofPlatform().daemon().name("swrap-table-lock").factory());
                }
            }
        }
        return e;
    }
}
