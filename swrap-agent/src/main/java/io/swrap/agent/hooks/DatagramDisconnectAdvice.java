package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code DatagramChannelImpl.disconnect()}: forgets the recorded peer before the channel reads
 * its local address back (a wildcard-bound socket reports its wildcard again). The channel
 * compares the address before connect with the one after disconnect and "repairs" a difference;
 * an autobind at connect names the socket in between, so the named address counts as the one before.
 */
public final class DatagramDisconnectAdvice {
    private DatagramDisconnectAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd,
                      @Advice.FieldValue("localAddress") InetSocketAddress local,
                      @Advice.FieldValue(value = "initialLocalAddress", readOnly = false) InetSocketAddress initial) {
        if (initial != null && local != null && initial.getPort() == 0) {
            initial = local;
        }
        DatagramHooks.disconnected(fd);
    }
}
