package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.ProtocolFamily;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.serverSocket(ProtocolFamily)}: a wrapped fd for listeners. */
public final class NetServerSocketAdvice {
    private NetServerSocketAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static FileDescriptor enter(@Advice.Argument(0) ProtocolFamily family) throws Exception {
        return SocketHooks.socket(true, true, family);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter FileDescriptor wrapped,
                     @Advice.Return(readOnly = false) FileDescriptor result) {
        if (wrapped != null) {
            result = wrapped;
        }
    }
}
