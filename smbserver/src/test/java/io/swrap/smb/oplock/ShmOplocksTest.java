package io.swrap.smb.oplock;

import io.swrap.smb.filestate.FileStore;
import io.swrap.smb.filestate.Messenger;
import io.swrap.smb.filestate.ShmTestStores;

/**
 * {@link OplocksTest} with the records in a swrap-shm table: the same decisions when grants and leases are
 * values encoded into shared memory and decoded again by every operation.
 */
class ShmOplocksTest extends OplocksTest {
    @Override
    FileStore store(Messenger m) {
        return ShmTestStores.fresh(m, true);
    }
}
