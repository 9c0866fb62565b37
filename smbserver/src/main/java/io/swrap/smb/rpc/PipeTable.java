package io.swrap.smb.rpc;

import java.util.HashMap;
import java.util.Map;

/** The named-pipe opens of one IPC$ tree connect, by volatile FileId; used by the tree's event loop only. */
public final class PipeTable {
    /** Pipes one tree connect may hold open; more get STATUS_TOO_MANY_OPENED_FILES. */
    public static final int MAX_OPEN_PIPES = 64;

    private final Map<Long, Pipe> pipes = new HashMap<>();

    /** @return false when the table is full */
    public boolean add(long volatileId, Pipe pipe) {
        if (pipes.size() >= MAX_OPEN_PIPES) {
            return false;
        }
        pipes.put(volatileId, pipe);
        return true;
    }

    public Pipe get(long volatileId) {
        return pipes.get(volatileId);
    }

    public Pipe remove(long volatileId) {
        return pipes.remove(volatileId);
    }
}
