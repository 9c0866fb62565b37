package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketOption;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.getSocketOption(FileDescriptor, ProtocolFamily, SocketOption)}. */
public final class NetGetOptionAdvice {
    private NetGetOptionAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(2) SocketOption<?> name) {
        return SocketHooks.getOption(fd, name);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Object emulated, @Advice.Return(readOnly = false) Object result) {
        if (emulated != null) {
            result = emulated;
        }
    }
}
