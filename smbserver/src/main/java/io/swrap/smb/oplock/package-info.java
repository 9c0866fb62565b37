/**
 * Oplocks and leases ([MS-SMB2] 3.3.1.4 Lease Table, 3.3.4.6/3.3.4.7 breaks, [MS-FSA] 2.1.4.12
 * semantics reduced to what SMB2 clients observe): what each open may cache, which breaks an open or a
 * write causes, and the opens that wait for break acknowledgments, kept in each file's
 * {@link io.swrap.smb.filestate.FileRecord}.
 * It decides; delivering breaks over a client's channels is the SMB2 layer's job.
 */
package io.swrap.smb.oplock;
