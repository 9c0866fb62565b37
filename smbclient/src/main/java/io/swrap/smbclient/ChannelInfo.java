package io.swrap.smbclient;

import java.net.InetSocketAddress;

/**
 * One live channel of a session, as {@link Session#channels()} lists them.
 *
 * @param index 0 for the connection the session was set up on, then 1, 2, … in binding order (an index is
 *     never reused after its channel is lost)
 * @param server the server address this channel's connection goes to
 * @param local this client's end of it
 */
public record ChannelInfo(int index, InetSocketAddress server, InetSocketAddress local) {
}
