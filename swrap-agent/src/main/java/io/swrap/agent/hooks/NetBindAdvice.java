package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.bind(ProtocolFamily, FileDescriptor, InetAddress, int)}. */
public final class NetBindAdvice {
    private NetBindAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(1) FileDescriptor fd, @Advice.Argument(2) InetAddress address,
                         @Advice.Argument(3) int port) throws Exception {
        return SocketHooks.bind(fd, address, port);
    }
}
