/** Shares on the local file system: confined, case-insensitive path resolution and share-mode enforcement between opens. */
package io.swrap.smb.vfs;
