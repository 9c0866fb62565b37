package io.swrap.smb.filestate;

import java.util.List;

/**
 * Where a {@link FileStore}'s records live: {@link HeapRecords} (one process) or {@link ShmRecords} (a swrap-shm
 * table shared by a prefork server's workers). Every method but {@link #inLock} and {@link #close} is called
 * inside {@link #inLock}.
 */
public interface RecordBackend extends AutoCloseable {
    /** Runs {@code body} holding the backend's lock (reentrant within a thread). */
    <T, E extends Exception> T inLock(FileStore.Section<T, E> body) throws E;

    /** The record of {@code key} (a copy, for a shared backend), or null. */
    FileRecord read(FileKey key);

    /** Stores {@code r}, replacing the record of its key. */
    void write(FileRecord r);

    /** Removes the record of {@code key}, if any. */
    void delete(FileKey key);

    /** The keys of the stored records of the named streams of {@code file} (a key with stream ""). */
    List<FileKey> streamsOf(FileKey file);

    /** Every record (for the dead-owner repair). */
    List<FileRecord> all();

    /** Records held. */
    int size();

    /** Whether other processes see the records. */
    boolean shared();

    /**
     * Whether the lock was taken from a dead holder since the last call (EOWNERDEAD): the store then drops the
     * entries of dead processes; once per repair.
     */
    boolean takeRepaired();

    @Override
    void close();
}
