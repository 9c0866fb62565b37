package io.swrap.smb.filestate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The records of a one-process server, in its heap: {@link #read} returns the stored object itself. */
final class HeapRecords implements RecordBackend {
    private final Map<FileKey, FileRecord> records = new HashMap<>();
    /** The keys of named streams' records by their file's key. */
    private final Map<FileKey, Set<FileKey>> streams = new HashMap<>();

    @Override
    public synchronized <T, E extends Exception> T inLock(FileStore.Section<T, E> body) throws E {
        return body.run();
    }

    @Override
    public FileRecord read(FileKey key) {
        return records.get(key);
    }

    @Override
    public void write(FileRecord r) {
        if (records.put(r.key, r) == null && !r.key.stream().isEmpty()) {
            streams.computeIfAbsent(r.key.file(), k -> new HashSet<>()).add(r.key);
        }
    }

    @Override
    public void delete(FileKey key) {
        if (records.remove(key) != null && !key.stream().isEmpty()) {
            Set<FileKey> of = streams.get(key.file());
            if (of != null && of.remove(key) && of.isEmpty()) {
                streams.remove(key.file());
            }
        }
    }

    @Override
    public List<FileKey> streamsOf(FileKey file) {
        Set<FileKey> of = streams.get(file);
        return of == null ? List.of() : List.copyOf(of);
    }

    @Override
    public List<FileRecord> all() {
        return List.copyOf(records.values());
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public boolean takeRepaired() {
        return false;
    }

    @Override
    public void close() {
        records.clear();
        streams.clear();
    }
}
