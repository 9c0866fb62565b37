package io.swrap.agent.hooks;

import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code DatagramSocketAdaptor.joinGroup(SocketAddress, NetworkInterface)}: MulticastSocket's
 * join, refused before it asks the unix socket for its multicast interface.
 */
public final class DatagramAdaptorJoinAdvice {
    private DatagramAdaptorJoinAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) SocketAddress group) throws Exception {
        DatagramHooks.adaptorJoin(group);
    }
}
