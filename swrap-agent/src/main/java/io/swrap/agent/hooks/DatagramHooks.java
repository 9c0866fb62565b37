package io.swrap.agent.hooks;

import io.swrap.agent.net.Datagrams;
import io.swrap.agent.net.EmulatedOptions;
import io.swrap.agent.table.Handle;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;

/**
 * The entry points that advice inlined into {@code sun.nio.ch.DatagramChannelImpl} and
 * {@code DatagramDispatcher} calls; each is a thin step to {@link Datagrams}, and null lets the
 * original JDK code run.
 */
public final class DatagramHooks {
    private DatagramHooks() {
    }

    private static Datagrams datagrams() {
        return SocketHooks.network().datagrams();
    }

    public static void bindInternal(boolean implicit) {
        datagrams().implicitBind(implicit);
    }

    public static Integer receive(FileDescriptor fd, ByteBuffer bb, int rem, int pos) throws IOException {
        return datagrams().receive(fd, bb, rem, pos);
    }

    public static InetSocketAddress sender(FileDescriptor fd) {
        return datagrams().sender(fd);
    }

    public static Integer send(FileDescriptor fd, ByteBuffer bb, InetSocketAddress target) throws IOException {
        return datagrams().send(fd, bb, target);
    }

    public static Long read(FileDescriptor fd, long address, int len, boolean vector) throws IOException {
        return datagrams().read(fd, address, len, vector);
    }

    public static Long write(FileDescriptor fd, long address, int len, boolean vector) throws IOException {
        return datagrams().write(fd, address, len, vector);
    }

    public static void disconnected(FileDescriptor fd) {
        datagrams().disconnected(fd);
    }

    public static SocketAddress localAddress(FileDescriptor fd, SocketAddress reported) {
        return reported == null ? null : datagrams().localAddress(fd, reported);
    }

    public static boolean emulatesMulticastIf(FileDescriptor fd, SocketOption<?> name) {
        return name == StandardSocketOptions.IP_MULTICAST_IF && SocketHooks.network().handle(fd) != null;
    }

    public static Object multicastIf(FileDescriptor fd) {
        Handle h = SocketHooks.network().handle(fd);
        return h == null ? null : h.options().get(StandardSocketOptions.IP_MULTICAST_IF);
    }

    /** IP_MULTICAST_IF of a wrapped socket: remembered, with the JDK's value check; false if not ours. */
    public static boolean setMulticastIf(FileDescriptor fd, SocketOption<?> name, Object value) {
        if (!emulatesMulticastIf(fd, name)) {
            return false;
        }
        EmulatedOptions.set(SocketHooks.network().handle(fd), name, value);
        return true;
    }

    public static void join(FileDescriptor fd, InetAddress group) throws IOException {
        datagrams().refuseJoin(fd, group);
    }

    /** Every datagram socket under the agent is wrapped, so a MulticastSocket's join is always refused. */
    public static void adaptorJoin(SocketAddress group) throws IOException {
        if (group instanceof InetSocketAddress isa && isa.getAddress() != null && isa.getAddress().isMulticastAddress()) {
            datagrams().refuseJoin(null, isa.getAddress());
        }
    }
}
