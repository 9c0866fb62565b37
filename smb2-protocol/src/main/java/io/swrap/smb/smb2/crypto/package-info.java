/** SMB2/3 signing, encryption and key derivation after [MS-SMB2] sections 3.1.4.1-3.1.4.3, on Bouncy Castle primitives. */
package io.swrap.smb.smb2.crypto;
