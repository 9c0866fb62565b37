package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/**
 * {@code SocketChannelImpl.shutdownOutput()} and {@code NioSocketImpl.shutdownOutput()} (the native
 * {@code Net.shutdown} cannot be advised): the FIN the peer will read, captured before it is sent (pcap).
 */
public final class ShutdownOutputAdvice {
    private ShutdownOutputAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd) {
        SocketHooks.shutdownOutput(fd);
    }
}
