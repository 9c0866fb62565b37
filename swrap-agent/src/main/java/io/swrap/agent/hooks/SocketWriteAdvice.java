package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.SocketDispatcher.write/writev}: every socket write of the JDK, counted per wrapped socket. */
public final class SocketWriteAdvice {
    private SocketWriteAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) FileDescriptor fd, @Advice.Return long n) {
        SocketHooks.written(fd, n);
    }
}
