package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.connect(ProtocolFamily, FileDescriptor, InetAddress, int)}. */
public final class NetConnectAdvice {
    private NetConnectAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static int enter(@Advice.Argument(1) FileDescriptor fd, @Advice.Argument(2) InetAddress address,
                     @Advice.Argument(3) int port) throws Exception {
        return SocketHooks.connect(fd, address, port);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter int status, @Advice.Return(readOnly = false) int result) {
        if (status != 0) {
            result = status;
        }
    }
}
