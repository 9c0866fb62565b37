package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/**
 * {@code SocketChannelImpl.shutdownOutput()}, {@code NioSocketImpl.shutdownOutput()} and
 * {@code SocketChannelImpl.implCloseSelectableChannel()}, whose close calls the native
 * {@code Net.shutdown} (which cannot be advised) before anything else: the FIN the peer will read,
 * captured before it is sent (pcap).
 */
public final class ShutdownOutputAdvice {
    private ShutdownOutputAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd) {
        SocketHooks.shutdownOutput(fd);
    }
}
