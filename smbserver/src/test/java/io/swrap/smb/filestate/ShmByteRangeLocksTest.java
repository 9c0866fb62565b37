package io.swrap.smb.filestate;

/** {@link ByteRangeLocksTest} with the records in a swrap-shm table (each operation encodes and decodes them). */
class ShmByteRangeLocksTest extends ByteRangeLocksTest {
    @Override
    FileStore store(Messenger m) {
        return ShmTestStores.fresh(m, true);
    }
}
