/**
 * A small SMB 2.0.2–3.1.1 client on Netty after [MS-SMB2] section 3.2 (client role), reusing the
 * server's codec and crypto: {@code SmbClient.connect(address, config) → Session → Tree → Open}.
 */
package io.swrap.selftest.smbclient;
