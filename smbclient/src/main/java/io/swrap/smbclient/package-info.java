/**
 * A small SMB 2.0.2–3.1.1 client on Netty after [MS-SMB2] section 3.2 (client role), on the codec and
 * crypto of smb2-protocol: {@code SmbClient.connect(address, config) → Session → Tree → Open}. With
 * {@code ClientConfig.withChannels(n)} (3.x) a session binds channels on the server's advertised interfaces,
 * spreads READ/WRITE over them and replays the requests of a lost channel on the others.
 */
package io.swrap.smbclient;
