/**
 * Messages between the worker processes of multi-process mode, as Samba's messaging: one unix datagram socket
 * per worker ({@link io.swrap.smb.ipc.Endpoint}), messages that carry ids and never object references
 * ({@link io.swrap.smb.ipc.Message}, {@link io.swrap.smb.ipc.MessageCodec}).
 */
package io.swrap.smb.ipc;
