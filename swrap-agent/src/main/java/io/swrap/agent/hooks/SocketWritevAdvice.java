package io.swrap.agent.hooks;

import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code sun.nio.ch.SocketDispatcher.writev}: every gathering socket write of the JDK, captured and counted per wrapped socket. */
public final class SocketWritevAdvice {
    private SocketWritevAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) FileDescriptor fd, @Advice.Argument(1) long address,
                      @Advice.Argument(2) int len) {
        SocketHooks.writing(fd, address, len, true);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Argument(0) FileDescriptor fd, @Advice.Return long n) {
        SocketHooks.written(fd, n);
    }
}
