package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.ProtocolFamily;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.socket(ProtocolFamily, boolean stream)}: a wrapped fd for stream sockets. */
public final class NetSocketAdvice {
    private NetSocketAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static FileDescriptor enter(@Advice.Argument(0) ProtocolFamily family, @Advice.Argument(1) boolean stream)
            throws Exception {
        return SocketHooks.socket(stream, false, family);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter FileDescriptor wrapped,
                     @Advice.Return(readOnly = false) FileDescriptor result) {
        if (wrapped != null) {
            result = wrapped;
        }
    }
}
