/**
 * Shares on the local file system: confined, case-insensitive path resolution, the file operations beneath a
 * share's descriptor, and change notification (indexed by name). The per-file state of opens is in
 * {@link io.swrap.smb.filestate}.
 */
package io.swrap.smb.vfs;
