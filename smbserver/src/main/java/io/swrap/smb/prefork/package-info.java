/**
 * Multi-process mode ({@code prefork children = N}): a {@link io.swrap.smb.prefork.Master} that accepts every
 * connection, reads it up to its first NEGOTIATE and passes it, with the bytes read, to the
 * {@link io.swrap.smb.prefork.Worker} process that owns its ClientGuid ({@link io.swrap.smb.prefork.ClientGuidTable},
 * shared memory under a robust mutex) or to the least-loaded one.
 */
package io.swrap.smb.prefork;
