package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.localAddress(FileDescriptor)}: the fake local address. */
public final class NetLocalAddressAdvice {
    private NetLocalAddressAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static InetSocketAddress enter(@Advice.Argument(0) FileDescriptor fd) throws Exception {
        return SocketHooks.localAddress(fd);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter InetSocketAddress fake,
                     @Advice.Return(readOnly = false) InetSocketAddress result) {
        if (fake != null) {
            result = fake;
        }
    }
}
