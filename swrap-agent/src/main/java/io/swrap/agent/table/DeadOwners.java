package io.swrap.agent.table;

import io.swrap.agent.SwrapLog;
import io.swrap.agent.net.DualStack;
import io.swrap.agent.net.LiveSockets;
import io.swrap.agent.net.SocketName;
import io.swrap.shm.RecordRepair;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The table's repair hook: drops the references of processes that are gone, and frees a record
 * no live process holds, unlinking its socket file unless a live socket is bound to it (the
 * name may have been taken over since). It runs after a process died holding the lock, and on
 * {@code reclaim()} for processes that died without it — the same rule in every process.
 */
final class DeadOwners implements RecordRepair {
    private final Path dir;
    private final int self;

    DeadOwners(Path dir, int self) {
        this.dir = dir;
        this.self = self;
    }

    @Override
    public boolean repair(int index, MemorySegment rec) {
        int[] owners = Records.owners(rec);
        for (int s = 0; s < owners.length; s++) {
            if (owners[s] != 0 && !alive(owners[s])) {
                SwrapLog.debug("swrap_reclaim", "socket#" + index + ": owner pid " + owners[s] + " is gone");
                Records.clearOwner(rec, s);
            }
        }
        if (Records.hasOwners(rec)) {
            return true;
        }
        SocketName name = Records.boundName(rec);
        rec.fill((byte) 0);
        if (name != null) {
            unlinkIfStale(dir.resolve(name.fileName()));
        }
        return false;
    }

    boolean alive(int pid) {
        return pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void unlinkIfStale(Path path) {
        try {
            if (Files.exists(path) && !LiveSockets.isBound(path)) {
                DualStack.unlinkTwin(path);
                Files.deleteIfExists(path);
                SwrapLog.debug("swrap_reclaim", "unlinked " + path);
            }
        } catch (IOException e) {
            // Not thrown: a failing repair hook makes the table unrecoverable for every process,
            // far worse than one stale file (which the next bind to that name reclaims anyway).
            SwrapLog.error("swrap_reclaim", "cannot unlink the stale socket file " + path + ": " + e);
        }
    }
}
