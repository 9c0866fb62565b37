package io.swrap.smb.filestate;

/** {@link ShareModesTest} with the records in a swrap-shm table (each operation encodes and decodes them). */
class ShmShareModesTest extends ShareModesTest {
    @Override
    FileStore store(Messenger messenger) {
        return ShmTestStores.fresh(messenger, true);
    }
}
