package io.swrap.agent.table;

import io.swrap.agent.net.SocketName;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One wrapped socket as {@code swrap ls} shows it: a copy of its record taken under the lock.
 *
 * @param index    the record's index in the table
 * @param owners   the processes holding it
 * @param inflight references travelling in fd-passing messages
 * @param type     tcp or udp
 * @param state    LISTEN, ESTAB, BOUND or UNCONN
 * @param local    fake local address, null if none
 * @param peer     fake peer address, null if none
 * @param name     the socket file it holds, null if none
 * @param inode    the AF_UNIX socket's inode (as {@code ss -x} shows it)
 */
public record SocketView(int index, List<Owner> owners, int inflight, String type, String state,
        InetSocketAddress local, InetSocketAddress peer, SocketName name, long inode,
        long txBytes, long rxBytes, long txCalls, long rxCalls) {

    /** A holding process and how many references it has (descriptors plus messages in flight). */
    public record Owner(int pid, int refs, boolean alive) {
    }
}
