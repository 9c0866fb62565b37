package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import java.net.SocketOption;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.Net.setSocketOption(FileDescriptor, ProtocolFamily, SocketOption, Object)}. */
public final class NetSetOptionAdvice {
    private NetSetOptionAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(2) SocketOption<?> name,
                         @Advice.Argument(3) Object value) {
        return SocketHooks.setOption(fd, name, value);
    }
}
