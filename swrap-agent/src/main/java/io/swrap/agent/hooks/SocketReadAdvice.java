package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.SocketDispatcher.read/readv}: every socket read of the JDK, counted per wrapped socket. */
public final class SocketReadAdvice {
    private SocketReadAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) FileDescriptor fd, @Advice.Return long n) {
        SocketHooks.read(fd, n);
    }
}
