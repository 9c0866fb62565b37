package io.swrap.smb.filestate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The records of a one-process server, in its heap: {@link #read} returns the stored object itself. */
final class HeapRecords implements RecordBackend {
    private final Map<FileKey, FileRecord> records = new HashMap<>();

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
        records.put(r.key, r);
    }

    @Override
    public void delete(FileKey key) {
        records.remove(key);
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
    }
}
