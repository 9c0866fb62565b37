/**
 * Fixed-size-record tables in a memory-mapped file shared by several processes, guarded by a
 * process-shared robust pthread mutex called through the FFM API (no JNI).
 *
 * <p>Entry point: {@link io.swrap.shm.SharedTable#open(java.nio.file.Path, io.swrap.shm.Layout)}.
 * The file layout, the recovery guarantee and how the tests prove it are described in this
 * module's README.md. Depends on {@code java.base} only, because it is shaded into a
 * {@code -javaagent} jar on the boot class path.
 */
package io.swrap.shm;
