/**
 * The server's per-file state, as Samba's share_mode_data in locking.tdb: one {@link FileRecord} per file,
 * keyed by its (device, inode) ({@link FileKey}), holding the share modes and delete-pending state of its opens
 * ({@link ShareModes}), its byte-range locks and their waiters ({@link ByteRangeLocks}) and its oplocks and leases
 * ({@link io.swrap.smb.oplock.Oplocks}), all under the one lock of the {@link FileStore}. Two hard links of a file
 * share one record; a rename changes no key. Owners are value ids ({@link OwnerId}) and waiters are
 * ({@link Waiter}) tickets that the {@link Messenger} delivers to the event loop that parked them. The records
 * live in a {@link RecordBackend}: this process's heap ({@link HeapRecords}), or a swrap-shm table that the
 * workers of a prefork server share ({@link ShmRecords}).
 */
package io.swrap.smb.filestate;
